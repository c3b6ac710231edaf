import LineDB

/// The query sheet: running the SQL typed at the `:` prompt.
extension BrowserApp {
    /// Runs `sql` and opens its result as a sheet.
    func runQuery(_ sql: String, on state: inout BrowserState) {
        state.fail("SQL queries are not available in this build")
    }
}
