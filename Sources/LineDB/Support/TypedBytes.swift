extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body that throws ``LineDBError`` (the standard one only `rethrows` untyped errors).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(LineDBError) -> R) throws(LineDBError) -> R {
        var result: Result<R, LineDBError>? = nil
        withUnsafeBytes { raw in
            do throws(LineDBError) { result = .success(try body(raw)) } catch { result = .failure(error) }
        }
        return try result!.get()
    }

    /// `withUnsafeBufferPointer` for a body that throws ``LineDBError``.
    func withBuffer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws(LineDBError) -> R) throws(LineDBError) -> R {
        var result: Result<R, LineDBError>? = nil
        withUnsafeBufferPointer { buffer in
            do throws(LineDBError) { result = .success(try body(buffer)) } catch { result = .failure(error) }
        }
        return try result!.get()
    }
}
