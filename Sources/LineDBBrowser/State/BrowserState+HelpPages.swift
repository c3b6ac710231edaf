import LineDB

extension BrowserState {
    /// In the help: PgDn, Space, j or ↓ show its next page, PgUp, k or ↑ the previous one (when it takes several
    /// screens). Returns whether `key` turned a page.
    mutating func turnHelpPage(_ key: Key) -> Bool {
        let step: Int
        switch key {
        case .pageDown, .character(" "), .character("j"), .down: step = 1
        case .pageUp, .character("k"), .up: step = -1
        default: return false
        }
        let pages = Renderer.helpPageCount(keyMap, rows: viewport.rows)
        helpPage = max(0, min(pages - 1, helpPage + step))
        return true
    }
}
