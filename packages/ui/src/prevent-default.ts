/**
 * An event handler that runs `action` in place of the browser's default: a form's submit without
 * a page load, a dialog button that does not close the dialog by itself.
 */
export function preventingDefault(action: () => void): (event: { preventDefault(): void }) => void {
  return (event) => {
    event.preventDefault();
    action();
  };
}
