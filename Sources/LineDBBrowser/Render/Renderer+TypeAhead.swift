extension Renderer {
    /// The status line's text for running work (`work`, how far it is: `amount`): "sorting… 45%  (Esc cancels)";
    /// with keys typed ahead waiting for it, "sorting… 45% · 3 keys waiting  (Esc cancels)", shortened to fit
    /// `width` (without "(Esc cancels)", then "· 3 waiting", then without how far it is, then without the work's
    /// name): the count of keys waiting is the last thing to go.
    static func busyText(work: String, amount: String, waiting n: Int, width: Int) -> String {
        let full = "\(work)… \(amount)"
        guard n > 0 else { return full + "  (Esc cancels)" }
        let keys = "\(n) key\(n == 1 ? "" : "s") waiting"
        let candidates = ["\(full) · \(keys)  (Esc cancels)", "\(full) · \(keys)", "\(full) · \(n) waiting",
                          "\(work) · \(n) waiting", "\(n) waiting"]
        return candidates.first { DisplayWidth.of($0) <= width } ?? candidates[candidates.count - 1]
    }
}
