/** Plain text where `backticked` parts (commands, as in the API's messages) show as code. */
export function RichText({ text }: { text: string }) {
  return <>{text.split("`").map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}
