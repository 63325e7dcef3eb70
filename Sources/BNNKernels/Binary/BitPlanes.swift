import CBinaryKernels

/// The 8 bit planes of a batch of 8-bit images: the packed input of the first layer.
///
/// Bit plane q of an image holds bit q of every pixel, so p·w = Σ_q 2^q·(plane_q·w)
/// and the first layer's product with ±1 weights becomes exact integer XOR-popcount
/// work (`BinaryGEMM.bitPlaneProduct`). The planes are interleaved per 64-pixel
/// block: for image i, word w of plane q is at index i·wordsPerImage + 8·w + q,
/// so one 512-bit load holds all eight planes of a block.
public struct BitPlanes: Sendable {
    /// Number of images.
    public let images: Int
    /// Pixels per image (the first layer's K).
    public let pixelsPerImage: Int
    /// Words per image: 8 · ceil(pixelsPerImage / 64), at least 8.
    public let wordsPerImage: Int
    let storage: AlignedWords

    /// The words per image for images of `pixels` pixels.
    public static func wordsPerImage(forPixels pixels: Int) -> Int { max(8, 8 * ((pixels + 63) / 64)) }

    /// Splits `images` row-major images of `pixelsPerImage` raw pixels into bit planes.
    public init(pixels: UnsafeBufferPointer<UInt8>, images: Int, pixelsPerImage: Int) {
        precondition(images >= 0 && pixelsPerImage >= 0, "negative shape")
        precondition(pixels.count >= images * pixelsPerImage, "\(pixels.count) pixels, needs \(images * pixelsPerImage)")
        self.images = images
        self.pixelsPerImage = pixelsPerImage
        wordsPerImage = Self.wordsPerImage(forPixels: pixelsPerImage)
        storage = AlignedWords(count: images * wordsPerImage)
        if images > 0, pixelsPerImage > 0, let base = pixels.baseAddress {
            bnn_pack_bitplanes_u8(images, pixelsPerImage, base, pixelsPerImage, storage.pointer, wordsPerImage)
        }
    }

    /// Bit `plane` of pixel `pixel` of image `image`.
    public subscript(image: Int, plane: Int, pixel: Int) -> Bool {
        precondition(image >= 0 && image < images && plane >= 0 && plane < 8 && pixel >= 0 && pixel < pixelsPerImage,
                     "index out of range")
        let word = storage.pointer[image * wordsPerImage + 8 * (pixel / 64) + plane]
        return (word >> UInt64(pixel % 64)) & 1 == 1
    }
}
