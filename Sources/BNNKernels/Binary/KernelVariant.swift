import CBinaryKernels
import Foundation

/// The instruction-set variants of the XNOR-popcount kernels.
///
/// The C kernels are compiled once per instruction set and the variant is chosen
/// at run time, so one binary runs on any x86-64 (and arm64, portable only) and
/// still uses AVX-512 VPOPCNTDQ where the CPU has it. `BNN_KERNEL` forces a
/// variant, e.g. to benchmark AVX2 on an AVX-512 machine.
public enum KernelVariant: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    /// Plain C for the build's baseline instruction set; runs everywhere.
    case portable
    /// 64-bit XOR and the `popcnt` instruction.
    case popcnt
    /// 256-bit XOR and the vpshufb nibble-table popcount.
    case avx2
    /// 512-bit XOR and `vpopcntq` (AVX-512 VPOPCNTDQ).
    case avx512

    /// The environment variable that forces a variant: `portable`, `popcnt`, `avx2` or `avx512`.
    public static let environmentVariable = "BNN_KERNEL"

    public var description: String { rawValue }

    var cValue: Int32 {
        switch self {
        case .portable: Int32(BNN_VARIANT_PORTABLE.rawValue)
        case .popcnt: Int32(BNN_VARIANT_POPCNT.rawValue)
        case .avx2: Int32(BNN_VARIANT_AVX2.rawValue)
        case .avx512: Int32(BNN_VARIANT_AVX512.rawValue)
        }
    }

    /// Whether this CPU (and this build) can run the variant.
    public var isSupported: Bool { bnn_variant_supported(cValue) != 0 }

    /// The variants this CPU can run, slowest to fastest.
    public static var available: [KernelVariant] { allCases.filter(\.isSupported) }

    /// The fastest variant this CPU can run.
    public static var best: KernelVariant { available.last ?? .portable }

    /// The variant named by `BNN_KERNEL`, or the best one when it is unset or empty.
    ///
    /// Throws when `BNN_KERNEL` names no variant or one this CPU cannot run.
    public static var current: KernelVariant {
        get throws(KernelSelectionError) {
            try select(environmentValue: ProcessInfo.processInfo.environment[environmentVariable])
        }
    }

    /// The variant a `BNN_KERNEL` value asks for: nil or empty means `best`;
    /// otherwise the name (case-insensitive), which must be supported here.
    public static func select(environmentValue value: String?) throws(KernelSelectionError) -> KernelVariant {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return best }
        let name = value.trimmingCharacters(in: .whitespaces).lowercased()
        guard let variant = KernelVariant(rawValue: name) else { throw .unknownName(value) }
        guard variant.isSupported else { throw .unsupported(variant) }
        return variant
    }
}

/// Why a kernel variant could not be selected: reported instead of a SIGILL.
public enum KernelSelectionError: Error, Equatable, CustomStringConvertible {
    /// `BNN_KERNEL` named no variant.
    case unknownName(String)
    /// The variant needs instructions this CPU lacks.
    case unsupported(KernelVariant)

    public var description: String {
        switch self {
        case .unknownName(let name):
            let names = KernelVariant.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(KernelVariant.environmentVariable)='\(name)' is not a kernel variant (expected one of: \(names))"
        case .unsupported(let variant):
            let names = KernelVariant.available.map(\.rawValue).joined(separator: ", ")
            return "kernel variant '\(variant)' is not supported on this CPU (available: \(names))"
        }
    }
}
