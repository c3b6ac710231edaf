/// A small, fast, deterministic random number generator (SplitMix64), for reproducible test data: the demo
/// database, the crash tests' workloads and the property and fuzz tests all replay the same sequence for a seed.
/// Not for anything that needs unpredictability.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    package init(seed: UInt64) { state = seed }

    /// The same, spelled as the state it starts from.
    package init(state: UInt64) { self.state = state }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<n` (0 when `n` ≤ 1).
    package mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}
