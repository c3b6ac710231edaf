import LineDB

/// One message of the status line, as Ctrl-P lists it.
public struct LoggedMessage: Sendable, Equatable {
    /// What was said.
    public var text: String
    /// Whether it reported a refusal or a failure.
    public var isError: Bool
    /// How many times in a row it was said.
    public var repeats: Int
}

/// Showing and hiding panes at any size, the recent messages, and the scrolling overlays (help, messages).
extension BrowserState {
    /// How many messages Ctrl-P keeps.
    static let messageLogLimit = 100
    /// The longest message kept whole in the log (a message quoting a 1 MB value keeps its start).
    static let loggedMessageLimit = 2000

    /// Adds a message to ``messageLog`` (the same message said again counts a repeat).
    mutating func log(_ text: String, isError: Bool) {
        guard !text.isEmpty else { return }
        var text = text
        if text.unicodeScalars.count > Self.loggedMessageLimit {
            text = DisplayWidth.head(text, scalars: Self.loggedMessageLimit).text + "…"
        }
        if let last = messageLog.last, last.text == text, last.isError == isError {
            messageLog[messageLog.count - 1].repeats += 1
            return
        }
        messageLog.append(LoggedMessage(text: text, isError: isError, repeats: 1))
        if messageLog.count > Self.messageLogLimit { messageLog.removeFirst(messageLog.count - Self.messageLogLimit) }
    }

    /// Whether a pane is on screen now.
    func isShown(_ pane: Focus) -> Bool { visibleFocuses.contains(pane) }

    /// `T`, `S`, `W`: hides a pane that is on screen, shows one that is not, at any size. Below 120 columns the
    /// schema and the tables share the left place: the one asked for last takes it. The focus leaves a pane that goes.
    mutating func toggle(_ pane: Focus) {
        let key = pane == .tables ? "T" : pane == .schema ? "S" : "W"
        let name = pane == .tables ? "tables" : pane == .schema ? "schema" : "WAL"
        if isShown(pane) {
            hiddenPanes.insert(pane)
            shownPanes.remove(pane)
            say("\(name) pane hidden (press \(key) to show it)")
        } else {
            hiddenPanes.remove(pane)
            shownPanes.insert(pane)
            if pane == .tables { shownPanes.remove(.schema) }  // the left place goes back to the tables
            if isShown(pane) {
                let other = pane == .schema && !isShown(.tables) && layout.schema?.column == 0
                say("\(name) pane shown" + (other ? " in the tables' place (T shows the tables)" : ""))
            } else {
                shownPanes.remove(pane)
                fail("\(name) pane: no room at \(viewport.columns)x\(viewport.rows)")
            }
        }
        if !isShown(focus) { focus = .grid }
    }

    /// The status area's height for the current message (see ``StatusLine``).
    var statusLines: Int { StatusLine(self, width: viewport.columns).height(width: viewport.columns) }

    /// After a resize: the focus leaves a pane the new size left out (for the grid).
    mutating func keepFocusOnScreen() {
        if !isShown(focus) { focus = .grid }
    }

    // MARK: - Scrolling overlays

    /// Opens the recent messages (Ctrl-P), the newest at the bottom.
    mutating func showMessages() {
        mode = .messages
        overlayTop = Int.max
        clampOverlay()
    }

    /// Keys in the help, the preview and the messages: the move keys scroll (help, messages), Esc, `q`, Enter or
    /// the overlay's own key close it.
    mutating func handleOverlay(_ key: Key) {
        let closing: [Action] = [.cancel, .quit, .help, .preview, .messages]
        if [.escape, .character("q"), .character("?"), .character("p"), .enter].contains(key)
            || keyMap[key].map(closing.contains) == true {
            mode = .normal
            overlayTop = 0
            return
        }
        let page = max(1, Renderer.overlayPage(self))
        switch keyMap[key] {
        case .down?: overlayTop += 1
        case .up?: overlayTop -= 1
        case .pageDown?: overlayTop += page
        case .pageUp?: overlayTop -= page
        case .firstRow?: overlayTop = 0
        case .lastRow?: overlayTop = Int.max
        default: return
        }
        clampOverlay()
    }

    /// Keeps ``overlayTop`` within the overlay's lines.
    mutating func clampOverlay() {
        let (count, page) = (Renderer.overlayLineCount(self), Renderer.overlayPage(self))
        overlayTop = max(0, min(overlayTop, count - page))
    }
}
