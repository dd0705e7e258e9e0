/** A themed tooltip that follows the pointer and stays inside the viewport. */
export interface Tooltip { show(event: MouseEvent, lines: string[]): void; hide(): void }

export function createTooltip(parent: HTMLElement): Tooltip {
  const node = document.createElement('div');
  node.id = 'tooltip';
  node.setAttribute('role', 'tooltip');
  node.hidden = true;
  parent.append(node);
  return {
    show(event, lines) {
      node.replaceChildren(...lines.filter(Boolean).map((line, i) => {
        const div = document.createElement('div');
        if (i === 0) div.className = 'tooltip-title';
        div.textContent = line;
        return div;
      }));
      node.hidden = false;
      const pad = 12;
      const { width, height } = node.getBoundingClientRect();
      const left = Math.min(event.clientX + pad, window.innerWidth - width - 4);
      const top = event.clientY + pad + height > window.innerHeight ? event.clientY - height - pad : event.clientY + pad;
      node.style.left = `${Math.max(4, left)}px`;
      node.style.top = `${Math.max(4, top)}px`;
    },
    hide() {
      node.hidden = true;
    },
  };
}
