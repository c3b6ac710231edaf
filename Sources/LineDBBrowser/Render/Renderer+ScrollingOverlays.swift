import LineDB

/// The help and the recent messages: overlays laid out for the screen (the help in as many columns as fit, one
/// when narrow), scrolled by the move keys when they are taller than the screen (``BrowserState/overlayTop``).
extension Renderer {
    /// A line of an overlay: a key and what it does, a group's heading, or a message.
    struct OverlayLine: Equatable {
        var key: String
        var text: String
        var style: CellStyle
    }

    /// The help laid out for a screen: its columns (each a list of lines), the width of the keys and of the texts.
    struct HelpPage {
        var columns: [[OverlayLine]]
        var keyWidth: Int
        var textWidth: Int
        /// Lines of the tallest column.
        var height: Int { columns.map(\.count).max() ?? 0 }
        /// Columns between two columns of the help (" │ ").
        static let gap = 3

        var width: Int { columns.count * (keyWidth + 1 + textWidth) + (columns.count - 1) * HelpPage.gap }
    }

    /// The inner size of an overlay box on a screen (the box keeps the key-hint line free).
    static func overlayRoom(rows: Int, columns: Int) -> (height: Int, width: Int) {
        (max(1, rows - 3), max(1, columns - 4))
    }

    /// The help for `keyMap` at `rows` x `columns`: the fewest columns that show it whole, else as many as fit
    /// (then it scrolls). Groups are kept whole in a column when they fit in one.
    static func helpPage(_ keyMap: KeyMap, rows: Int, columns: Int) -> HelpPage {
        let groups: [[OverlayLine]] = helpGroups(keyMap).map { group, keys in
            [OverlayLine(key: group, text: "", style: .header)]
                + keys.map { OverlayLine(key: $0.0, text: $0.1, style: .normal) }
        }
        let lines = groups.flatMap { $0 }.filter { $0.style != .header }
        let room = overlayRoom(rows: rows, columns: columns)
        let keyWidth = min(16, lines.map { DisplayWidth.of($0.key) }.max() ?? 8)
        var textWidth = min(36, lines.map { DisplayWidth.of($0.text) }.max() ?? 20)
        // One column, narrower than the screen: the texts are clipped rather than the box overflowing.
        textWidth = max(8, min(textWidth, room.width - keyWidth - 1))
        let columnWidth = keyWidth + 1 + textWidth
        let most = max(1, (room.width + HelpPage.gap) / (columnWidth + HelpPage.gap))
        let total = groups.reduce(0) { $0 + $1.count }
        for count in 1...most {
            var height = (total + count - 1) / count
            var flowed = flow(groups, height: height)
            while flowed.count > count {
                height += 1
                flowed = flow(groups, height: height)
            }
            if height <= room.height || count == most {
                return HelpPage(columns: flowed, keyWidth: keyWidth, textWidth: textWidth)
            }
        }
        return HelpPage(columns: [groups.flatMap { $0 }], keyWidth: keyWidth, textWidth: textWidth)
    }

    /// The groups in columns of at most `height` lines: a group starts a new column when it does not fit in the
    /// rest of this one (a group taller than a column goes on in the next).
    static func flow(_ groups: [[OverlayLine]], height: Int) -> [[OverlayLine]] {
        var columns: [[OverlayLine]] = [[]]
        for group in groups {
            if !columns[columns.count - 1].isEmpty && columns[columns.count - 1].count + group.count > height {
                columns.append([])
            }
            for line in group {
                if columns[columns.count - 1].count >= height { columns.append([]) }
                columns[columns.count - 1].append(line)
            }
        }
        return columns
    }

    /// The recent messages as lines `width` wide, oldest first: each wrapped, a refusal or failure marked `✗`.
    static func messageLines(_ log: [LoggedMessage], width: Int) -> [OverlayLine] {
        guard !log.isEmpty else { return [OverlayLine(key: "", text: "no messages yet", style: .dim)] }
        var out: [OverlayLine] = []
        for entry in log {
            let text = StatusLine.sanitized(entry.text, budget: BrowserState.loggedMessageLimit)
                + (entry.repeats > 1 ? " (×\(entry.repeats))" : "")
            let wrapped = StatusLine.wrap(text, width: max(1, width - 2))
            for (i, line) in wrapped.enumerated() {
                out.append(OverlayLine(key: i == 0 ? (entry.isError ? "✗" : "·") : "", text: line,
                                       style: entry.isError ? .error : .normal))
            }
        }
        return out
    }

    /// Lines of the scrolling overlay shown (rows of the help's columns, or message lines).
    static func overlayLineCount(_ state: BrowserState) -> Int {
        let (rows, columns) = state.viewport
        switch state.mode {
        case .help: return helpPage(state.keyMap, rows: rows, columns: columns).height
        case .messages: return messageLines(state.messageLog, width: overlayRoom(rows: rows, columns: columns).width).count
        default: return 0
        }
    }

    /// Lines the scrolling overlay shows at once.
    static func overlayPage(_ state: BrowserState) -> Int {
        overlayRoom(rows: state.viewport.rows, columns: state.viewport.columns).height
    }

    /// "Keys (Esc closes)", with where the lines shown are when they do not all fit.
    static func scrolledTitle(_ title: String, top: Int, shown: Int, count: Int) -> String {
        guard count > shown else { return title + " (Esc closes)" }
        return title + " \(top + 1)-\(min(count, top + shown)) of \(count) (↑↓ scroll, Esc closes)"
    }

    static func drawHelp(_ state: BrowserState, on grid: inout ScreenGrid) {
        let page = helpPage(state.keyMap, rows: grid.rows, columns: grid.columns)
        let room = overlayRoom(rows: grid.rows, columns: grid.columns)
        let shown = min(page.height, room.height)
        let top = max(0, min(state.overlayTop, page.height - shown))
        let r = box(scrolledTitle("Keys", top: top, shown: shown, count: page.height), height: shown,
                    width: min(page.width, room.width), on: &grid)
        let columnWidth = page.keyWidth + 1 + page.textWidth
        for (c, lines) in page.columns.enumerated() {
            let x = r.column + c * (columnWidth + HelpPage.gap)
            guard x < r.column + r.width else { break }
            let width = min(columnWidth, r.column + r.width - x)
            if c > 0 {
                for y in r.row..<r.row + r.height { grid.put("│", row: y, column: x - 2, style: .border) }
            }
            for (i, line) in lines.dropFirst(top).prefix(r.height).enumerated() {
                let y = r.row + i
                if line.style == .header {
                    field(line.key, row: y, column: x, width: width, style: .header, on: &grid)
                } else {
                    field(line.key, row: y, column: x, width: min(page.keyWidth, width), style: .keyHint, on: &grid)
                    field(line.text, row: y, column: x + page.keyWidth + 1, width: width - page.keyWidth - 1,
                          style: .normal, on: &grid)
                }
            }
        }
    }

    static func drawMessages(_ state: BrowserState, on grid: inout ScreenGrid) {
        let room = overlayRoom(rows: grid.rows, columns: grid.columns)
        let lines = messageLines(state.messageLog, width: room.width)
        let shown = min(lines.count, room.height)
        let top = max(0, min(state.overlayTop, lines.count - shown))
        let title = scrolledTitle("Recent messages, newest last", top: top, shown: shown, count: lines.count)
        let r = box(title, height: shown, width: room.width, on: &grid)
        for (i, line) in lines.dropFirst(top).prefix(r.height).enumerated() {
            let y = r.row + i
            field(line.key, row: y, column: r.column, width: 2, style: line.style, on: &grid)
            field(line.text, row: y, column: r.column + 2, width: r.width - 2, style: line.style, on: &grid)
        }
    }
}
