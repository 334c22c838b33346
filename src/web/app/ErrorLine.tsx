/** A page's or form's error in words, announced by screen readers; nothing when there is none. */
export function ErrorLine({ text }: { text: string }) {
  return text ? (
    <p class="form-error" role="alert">
      {text}
    </p>
  ) : null;
}
