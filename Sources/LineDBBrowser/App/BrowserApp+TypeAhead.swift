import LineDB

extension BrowserApp {
    /// Applies the keys typed ahead that no longer wait (``BrowserState/replayTypeAhead(context:)``), one by one, as
    /// the loop applies keys typed: their effects are performed, and work a key starts gets its first slice at once
    /// (on a small table it is done before the next waiting key). Returns whether one of them quit.
    func applyTypeAhead(_ state: inout BrowserState, terminal: Terminal) -> Bool {
        while true {
            let wasWorking = state.task != nil
            guard let effects = state.replayNext(context: database) else { return false }
            for effect in effects where perform(effect, on: &state, terminal: terminal) { return true }
            if state.task != nil && !wasWorking {
                state.work(until: .now + .milliseconds(sliceMilliseconds), chunk: workChunk)
            }
            state.scrollToCursor()
        }
    }
}
