import CalsyncModel

/// A step waiting to be committed with the others of its batch.
struct HeldStep {
    var step: SyncStep
    /// The report count the step added, taken back if the store refuses the step.
    var counted: WritableKeyPath<SyncReport, Int>?
}

/// How steps reach the store: one at a time where a vendor write must wait for the state to hold
/// them, in batches where nothing outside the state depends on them.
///
/// A held step follows from what the sync read (a pull, a rebase, a conflict) or from a vendor write
/// whose answer the next sync recognises again (the event carries the mapping's stamp, its content
/// agrees with the entry). A crash loses at most one batch (`SyncEngine.batchSize` steps), which the
/// next sync decides again from the same cursor: the cursor is stored only after the last batch.
extension SyncRun {
    /// Commits the held steps, then `step`, which a vendor write is about to depend on.
    /// - Returns: The mapping as stored.
    /// - Throws: `MappingError.moved` when the mapping or entry changed since the step was decided.
    mutating func commitNow(_ step: SyncStep) throws -> Mapping {
        try commitHeld()
        return try store.record(step)
    }

    /// Holds `step` for the next batch; `counted` is the report count the step adds.
    /// - Returns: The mapping as it will be stored (its version grown by one).
    mutating func hold(_ step: SyncStep, counting counted: WritableKeyPath<SyncReport, Int>? = nil) throws -> Mapping {
        held.append(HeldStep(step: step, counted: counted))
        if let counted { report[keyPath: counted] += 1 }
        if held.count >= engine.batchSize { try commitHeld() }
        return step.storedMapping
    }

    /// Commits every held step in one transaction. A step the store refuses because its mapping or entry
    /// moved meanwhile is left to the next sync, as a single step would be, and its count is taken back.
    mutating func commitHeld() throws {
        guard !held.isEmpty else { return }
        let batch = held
        held.removeAll(keepingCapacity: true)
        let results = try store.record(batch.map(\.step))
        for (step, result) in zip(batch, results) {
            if case .failure = result, let counted = step.counted { report[keyPath: counted] -= 1 }
        }
    }
}
