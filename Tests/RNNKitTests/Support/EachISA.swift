import CRNNKernels

/// Runs `body` once for each vectorised-kernel instruction set this CPU has (portable, AVX2,
/// AVX-512), forcing the choice for the duration, then restores the automatic choice.
/// `body` receives the ISA's name. The choice is process-wide, so it holds `ComputeSettings`
/// meanwhile (tests comparing bits in other suites must not see it change).
func eachISA(_ body: (String) -> Void) {
    ComputeSettings.exclusive {
        defer { _ = rnnkit_pointwise_force(0) }
        var seen = Set<String>()
        for which: Int32 in [1, 2, 3] {
            let name = String(cString: rnnkit_pointwise_force(which))
            if seen.insert(name).inserted { body(name) }
        }
    }
}
