// The review page takes its shortcuts from the whole document, except while the reviewer types in a field.
window.llmObserveAnnotationKeys = {
  attach(dotnet) {
    const keys = new Set(
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'Enter', 's', 'b', 'n', 'ArrowLeft', 'ArrowRight']);
    const handler = event => {
      const target = event.target;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) {
        if (event.key === 'Escape') {
          target.blur();
        }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || !keys.has(event.key)) {
        return;
      }
      event.preventDefault();
      dotnet.invokeMethodAsync('OnKey', event.key);
    };
    document.addEventListener('keydown', handler);
    return { dispose: () => document.removeEventListener('keydown', handler) };
  }
};
