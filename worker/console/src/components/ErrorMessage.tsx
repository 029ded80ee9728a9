export function ErrorMessage({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p class="message error" role="alert">
      {message}
    </p>
  );
}
