// Brings row `index` of the virtualised tree into view; rows have a fixed height, so its offset is known without
// the row existing yet.
export function scrollToRow(tree, index, rowHeight) {
    if (!tree) {
        return;
    }

    const top = index * rowHeight;
    if (top < tree.scrollTop || top > tree.scrollTop + tree.clientHeight - 2 * rowHeight) {
        tree.scrollTop = Math.max(0, top - tree.clientHeight / 3);
    }
}
