import CalsyncEmulator

/// The seeded generator (SplitMix64) of randomized tests: the same seed gives the same run, so any
/// failure can be replayed. The emulator's own generator serves, so there is one implementation.
public typealias SeededRandom = CalsyncEmulator.SeededRandom
