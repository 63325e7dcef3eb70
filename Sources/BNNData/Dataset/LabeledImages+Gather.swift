import BNNSupport

/// Converting chosen images to the Float input of a mini-batch, without allocating.
///
/// The engine owns its batch buffers; these functions only fill them: features as
/// `indices.count x featureCount` Floats, row-major, scaled by `PixelScaling`
/// (`p / 127.5 - 1`, so in [-1, 1]); labels as class indices.
extension LabeledImages {
    /// Fills `features` with the images at `indices`, in that order, and `labels`
    /// with their classes.
    ///
    /// - Parameters:
    ///   - indices: image indices, each in `0..<count` (checked: a bad index is a programming error).
    ///   - features: room for `indices.count * featureCount` Floats.
    ///   - labels: room for `indices.count` class indices.
    public func gather<Indices: Collection<Int>>(
        _ indices: Indices, into features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>
    ) {
        gatherImages(indices, into: features, labels: labels)
    }

    /// Fills `features` and `labels` with the contiguous images `range`, e.g. to
    /// evaluate a split in chunks. Same layout and scaling as `gather`.
    public func gather(
        range: Range<Int>, into features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>
    ) {
        gatherImages(range, into: features, labels: labels)
    }

    private func gatherImages<Indices: Collection<Int>>(
        _ indices: Indices, into features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>
    ) {
        let width = featureCount
        let total = count
        PixelScaling.table.withUnsafeBufferPointer { table in
            pixels.withUnsafeBufferPointer { source in
                self.labels.withUnsafeBufferPointer { classes in
                    var row = 0
                    for index in indices {
                        precondition(index >= 0 && index < total, "image index \(index) out of 0..<\(total)")
                        let from = source.baseAddress! + index * width
                        let to = features + row * width
                        for k in 0..<width {
                            to[k] = table[Int(from[k])]
                        }
                        labels[row] = Int32(classes[index])
                        row += 1
                    }
                }
            }
        }
    }
}
