import { RichText } from "./RichText";

export function ErrorMessage({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p class="message error" role="alert">
      <RichText text={message} />
    </p>
  );
}
