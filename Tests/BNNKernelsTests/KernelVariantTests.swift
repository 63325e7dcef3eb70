import CBinaryKernels
import CTrainingKernels
import Foundation
import Testing
@testable import BNNKernels

@Suite("Kernel variant selection")
struct KernelVariantTests {
    @Test("the portable variant is always available and best is the fastest available")
    func availability() {
        #expect(KernelVariant.available.first == .portable)
        #expect(KernelVariant.best == KernelVariant.available.last)
        #if arch(x86_64)
        #expect(KernelVariant.popcnt.isSupported)
        #endif
    }

    @Test("BNN_KERNEL parsing: unset or empty picks the best; names are case-insensitive")
    func parse() throws {
        #expect(try KernelVariant.select(environmentValue: nil) == .best)
        #expect(try KernelVariant.select(environmentValue: "") == .best)
        #expect(try KernelVariant.select(environmentValue: " portable ") == .portable)
        for v in KernelVariant.available {
            #expect(try KernelVariant.select(environmentValue: v.rawValue.uppercased()) == v)
        }
    }

    @Test("unknown names and unsupported variants are typed errors with a clear message")
    func errors() {
        #expect(throws: KernelSelectionError.unknownName("sse9")) { try KernelVariant.select(environmentValue: "sse9") }
        #expect(KernelSelectionError.unknownName("sse9").description.contains("BNN_KERNEL='sse9'"))
        for v in KernelVariant.allCases where !v.isSupported {
            #expect(throws: KernelSelectionError.unsupported(v)) { try KernelVariant.select(environmentValue: v.rawValue) }
            #expect(throws: KernelSelectionError.unsupported(v)) { try BinaryGEMM(variant: v) }
        }
        #expect(KernelSelectionError.unsupported(.avx512).description.contains("not supported on this CPU"))
    }

    @Test("the current variant follows this process's BNN_KERNEL")
    func current() throws {
        let value = ProcessInfo.processInfo.environment[KernelVariant.environmentVariable]
        if let expected = try? KernelVariant.select(environmentValue: value) {
            #expect(try KernelVariant.current == expected)
        }
    }

    @Test("the variant chosen once per process runs in both C libraries")
    func bothLibrariesFollowOneChoice() throws {
        let value = ProcessInfo.processInfo.environment[KernelVariant.environmentVariable]
        let expected = (try? KernelVariant.select(environmentValue: value)) ?? .best
        #expect(String(cString: bnn_binary_kernels_variant()) == expected.rawValue)
        #expect(String(cString: bnn_training_kernels_variant()) == expected.rawValue)
        for v in KernelVariant.allCases {
            let row = bnn_training_table(v.cValue)
            #expect((row != nil) == v.isSupported, "training table row for \(v)")
            if let row { #expect(String(cString: row.pointee.name) == v.rawValue) }
        }
    }

    @Test("the C entry points refuse a variant the CPU cannot run instead of faulting")
    func cRefusesUnknownVariant() {
        var a = [UInt64](repeating: 0, count: 8), c = [Int32](repeating: 0, count: 1)
        let status = bnn_xnor_gemm(99, 1, 1, 64, &a, 8, &a, 8, &c, 1)
        #expect(status == Int32(BNN_ERROR_UNSUPPORTED))
        for v in KernelVariant.allCases where !v.isSupported {
            #expect(bnn_xnor_gemm(v.cValue, 1, 1, 64, &a, 8, &a, 8, &c, 1) == Int32(BNN_ERROR_UNSUPPORTED))
        }
    }
}

