/// What belongs to the whole browser rather than to one view of a table: when a view saved earlier comes back
/// (closing a sheet, leaving the as-of view), these are taken from now, not from when it was saved.
extension BrowserState {
    /// Copies into `back` (a view saved earlier and about to be restored) everything that belongs to the browser as
    /// a whole: the WAL pane, panes shown or hidden, messages, screen size, keys, read-only state, the writer's exit,
    /// SQL history, column views, the copied cell and the keys typed ahead (a key waiting behind the one that
    /// closes a sheet is still applied after it).
    func carryBrowserWide(into back: inout BrowserState) {
        back.wal = wal
        back.walScroll = walScroll
        back.walPane = walPane
        back.hiddenPanes = hiddenPanes
        back.shownPanes = shownPanes
        back.messageLog = messageLog
        back.viewport = viewport
        back.keyMap = keyMap
        back.isReadOnly = isReadOnly
        back.readOnlyReason = readOnlyReason
        back.writerExited = writerExited
        back.queryHistory = queryHistory
        back.columnViews = columnViews
        back.copiedCell = copiedCell
        back.typeAhead = typeAhead
        back.asOfGeneration = asOfGeneration
    }
}
