// The C library, imported once for the whole package.
//
// Files that call POSIX or libm (open, fsync, sigaction, isatty, log, pow...)
// import BNNSupport instead of repeating the Glibc/Darwin conditional, the way
// swift-argument-parser keeps its platform imports in one Platform.swift.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif

// An import reaches only the file it is written in, so BNNSupport's own files
// get the few libm functions they need from here.

/// The natural logarithm from the C library.
@inline(__always) func cLog(_ x: Double) -> Double { log(x) }
/// The cosine from the C library.
@inline(__always) func cCos(_ x: Double) -> Double { cos(x) }
