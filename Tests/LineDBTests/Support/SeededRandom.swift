@testable import LineDB

/// The property tests' generator: the engine's SplitMix64, seeded so each seed replays the same sequence.
struct SeededRandom: RandomNumberGenerator {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }
    mutating func next() -> UInt64 { generator.next() }
}
