// Brings row `index` of the virtualised tree into view; rows have a fixed height, so its offset is known without
// the row existing yet. Once the row is rendered, the browser places it exactly: within the tree below its header,
// and within the window when the tree itself reaches below the fold.
export function scrollToRow(tree, index, rowHeight, spanId) {
    if (!tree) {
        return;
    }

    const top = index * rowHeight;
    if (top < tree.scrollTop || top > tree.scrollTop + tree.clientHeight - 2 * rowHeight) {
        tree.scrollTop = Math.max(0, top - tree.clientHeight / 3);
    }

    let frames = 0;
    const place = () => {
        const row = tree.querySelector(`[data-span-id="${CSS.escape(spanId)}"]`);
        if (row) {
            row.scrollIntoView({ block: "nearest" });
        } else if (++frames < 60) {
            requestAnimationFrame(place);
        }
    };
    requestAnimationFrame(place);
}
