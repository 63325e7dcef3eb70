import CKernelDispatch
import Foundation

/// The instruction-set variants of the C kernels (binary products and training loops).
///
/// The C kernels are compiled once per instruction set and the variant is chosen
/// at run time, so one binary runs on any x86-64 (and arm64, portable only) and
/// still uses AVX-512 VPOPCNTDQ where the CPU has it. The choice is made once per
/// process, in C (`bnn_active_variant`), and both kernel libraries follow it;
/// `BNN_KERNEL` forces a variant, e.g. to benchmark AVX2 on an AVX-512 machine.
public enum KernelVariant: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Plain C for the build's baseline instruction set; runs everywhere.
    case portable
    /// 64-bit XOR and the `popcnt` instruction.
    case popcnt
    /// 256-bit XOR and the vpshufb nibble-table popcount.
    case avx2
    /// 512-bit XOR and `vpopcntq` (AVX-512 VPOPCNTDQ).
    case avx512

    /// The environment variable that forces a variant: `portable`, `popcnt`, `avx2` or `avx512`.
    public static let environmentVariable = BNN_KERNEL_ENVIRONMENT

    public var description: String { rawValue }

    var cValue: Int32 {
        switch self {
        case .portable: Int32(BNN_VARIANT_PORTABLE.rawValue)
        case .popcnt: Int32(BNN_VARIANT_POPCNT.rawValue)
        case .avx2: Int32(BNN_VARIANT_AVX2.rawValue)
        case .avx512: Int32(BNN_VARIANT_AVX512.rawValue)
        }
    }

    init?(cValue: Int32) {
        guard let variant = Self.allCases.first(where: { $0.cValue == cValue }) else { return nil }
        self = variant
    }

    /// Whether this CPU (and this build) can run the variant.
    public var isSupported: Bool { bnn_variant_supported(cValue) != 0 }

    /// The variants this CPU can run, slowest to fastest.
    public static var available: [KernelVariant] { allCases.filter(\.isSupported) }

    /// The fastest variant this CPU can run.
    public static var best: KernelVariant { KernelVariant(cValue: bnn_variant_best()) ?? .portable }

    /// The variant both kernel libraries run in this process: the one `BNN_KERNEL`
    /// named when this process first asked, or the best one when it was unset or empty.
    ///
    /// Throws when `BNN_KERNEL` names no variant or one this CPU cannot run (the C
    /// libraries then run the best variant, but the command line refuses to start).
    public static var current: KernelVariant {
        get throws(KernelSelectionError) {
            let active = KernelVariant(cValue: bnn_active_variant()) ?? .portable
            guard Int(bnn_active_variant_status()) == BNN_OK else {
                // The request was refused: say why, in the words of `select`.
                _ = try select(environmentValue: ProcessInfo.processInfo.environment[environmentVariable])
                return active
            }
            return active
        }
    }

    /// The variant a `BNN_KERNEL` value asks for: nil or empty means `best`;
    /// otherwise the name (case-insensitive), which must be supported here.
    public static func select(environmentValue value: String?) throws(KernelSelectionError) -> KernelVariant {
        var chosen: Int32 = 0
        let status = bnn_variant_parse(value, &chosen)
        let variant = KernelVariant(cValue: chosen) ?? .portable
        switch Int(status) {
        case BNN_OK: return variant
        case BNN_ERROR_UNSUPPORTED: throw .unsupported(variant)
        default: throw .unknownName(value ?? "")
        }
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
