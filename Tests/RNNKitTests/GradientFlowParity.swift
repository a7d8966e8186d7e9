import Foundation
import Testing
@testable import RNNKit

/// kind = grad_flow: the per-step norms ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) of a stack with zero initial
/// state and L = sum(output ⊙ grad_output), against PyTorch's unrolled cells with
/// `retain_grad`; and σ_max of every weight_hh and of its gate blocks, within 1e-4 relative of
/// `torch.linalg.matrix_norm(W, ord=2)`.
func checkGradFlow(_ f: Fixture) throws -> Bool {
    let (cell, stack, _) = try fixtureStack(f)
    stack.recordsGradientFlow = true
    _ = stack.forward(try f.tensor("input"))
    _ = stack.backward(gradOutput: try f.tensor("grad_output"))
    guard let flow = stack.gradientFlow else {
        Issue.record("\(f.name): no gradient flow recorded")
        return false
    }
    let flat = { (cube: [[[Double]]]) in cube.joined().joined().map { Float($0) } }
    var ok = expectClose(flat(flow.hidden), try f.tensor("grad_norm_h").scalars, "\(f.name) grad_norm_h")
    if cell.hasCellState {
        ok = expectClose(flat(flow.cellState ?? []), try f.tensor("grad_norm_c").scalars, "\(f.name) grad_norm_c") && ok
    }
    for norm in stack.spectralNorms() {
        ok = expectClose([norm.sigmaMax], try f.tensor("sigma_max." + norm.name).scalars.map(Double.init),
                         atol: 0, rtol: 1e-4, "\(f.name) sigma_max.\(norm.name)") && ok
        ok = expectClose(norm.gates, try f.tensor("sigma_max_gates." + norm.name).scalars.map(Double.init),
                         atol: 0, rtol: 1e-4, "\(f.name) sigma_max_gates.\(norm.name)") && ok
    }
    return ok
}
