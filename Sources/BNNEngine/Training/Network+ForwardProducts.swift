import BNNKernels

extension Network {
    /// Chooses each binary hidden layer's forward product (see `ForwardProductPolicy`):
    /// eligible are weight layers whose inputs are ±1 (binary modes, after a sign, no
    /// dropout). With `.auto`, times the float product (sgemm, or a convolution's direct
    /// product) and XNOR-popcount on `rows` rows of (arbitrary)
    /// ±1 data and keeps the faster. Changes no parameter and no result.
    func tuneForwardProducts(rows: Int, policy: ForwardProductPolicy) -> [ForwardProductChoice] {
        guard configuration.mode.isBinary, configuration.hiddenDropout == 0, policy != .sgemm,
              let gemm = try? BinaryGEMM(threadCount: configuration.threads) else {
            for layer in weightLayers { setXnor(nil, on: layer, gemm: nil) }
            return []
        }
        let rows = min(max(rows, 1), maxRows)
        let timer = BenchmarkTimer(budget: 0.05, minimumRuns: 3, maximumRuns: 50)
        var choices: [ForwardProductChoice] = []
        for k in weightLayers.indices where hasBinaryInput(k) {
            let layer = weightLayers[k]
            var choice = productShape(of: layer, index: k, rows: rows, kernel: gemm.variant)
            if policy == .auto {
                // Time on a ±1 input pattern; the layer's own output buffer is the scratch.
                let input = FloatBuffer(count: rows * layer.inputSize)
                for i in 0..<input.count { input.pointer[i] = (i &* 2_654_435_761) & 8 == 0 ? 1 : -1 }
                setXnor(false, on: layer, gemm: gemm)
                choice.sgemmSeconds = timer.median { runProduct(layer, input.pointer, rows: rows) }.seconds
                setXnor(true, on: layer, gemm: gemm)
                choice.xnorSeconds = timer.median { runProduct(layer, input.pointer, rows: rows) }.seconds
                choice.usesXnor = choice.xnorSeconds! < choice.sgemmSeconds!
            }
            setXnor(choice.usesXnor, on: layer, gemm: gemm)
            choices.append(choice)
        }
        return choices
    }

    /// The M x N x K of weight layer k's forward product: (rows, units, inputs) for a dense
    /// layer, (rows·H·W, Cout, 9·Cin) for a convolution.
    private func productShape(of layer: any WeightLayer, index k: Int, rows: Int,
                              kernel: KernelVariant) -> ForwardProductChoice {
        if let conv = layer as? ConvolutionLayer {
            let g = conv.geometry
            return ForwardProductChoice(layer: k, rows: rows * g.outputPositions, outputs: g.outputChannels,
                                        inputs: g.patchLength, kernel: kernel, usesXnor: true, floatProduct: "direct")
        }
        let dense = layer as! DenseLayer
        return ForwardProductChoice(layer: k, rows: rows, outputs: dense.outputs, inputs: dense.inputs,
                                    kernel: kernel, usesXnor: true)
    }

    /// One forward product, packing included: an XNOR layer packs W_b again on every run,
    /// as it did every batch before the optimizer kept the packed weights current.
    private func runProduct(_ layer: any WeightLayer, _ input: UnsafePointer<Float>, rows: Int) {
        if let conv = layer as? ConvolutionLayer { conv.product(input, rows: rows) }
        if let dense = layer as? DenseLayer {
            dense.xnorForward?.weights.isCurrent = false
            dense.product(input, rows: rows)
        }
    }

    /// Switches the layer's forward product: XNOR-popcount (true), sgemm (false) or off (nil).
    /// The XNOR product object is made once per layer and kept.
    private func setXnor(_ on: Bool?, on layer: any WeightLayer, gemm: BinaryGEMM?) {
        if let dense = layer as? DenseLayer {
            if on == true, dense.xnorProduct == nil, let gemm {
                dense.xnorProduct = BinaryDenseProduct(maxRows: maxRows, inputs: dense.inputs,
                                                       outputs: dense.outputs, gemm: gemm)
            }
            dense.xnorForward = on == true ? dense.xnorProduct : nil
            // The optimizer keeps the XNOR product's packed W_b current (float W_b too: the
            // backward product reads it); other products pack nothing.
            if let product = dense.xnorForward {
                dense.latent.linkPackedSigns(product.weights, writtenByOptimizer: !stochasticWeights, replacingFloat: false)
            } else if let product = dense.xnorProduct, dense.latent.parameter.packedSigns === product.weights {
                dense.latent.linkPackedSigns(nil, writtenByOptimizer: false, replacingFloat: false)
            }
        } else if let conv = layer as? ConvolutionLayer {
            if on == true, conv.xnorProduct == nil, let gemm {
                conv.xnorProduct = BinaryConvolutionProduct(geometry: conv.geometry,
                                                            padding: conv.paddingValue == 0 ? .zero : .one,
                                                            maxRows: maxRows, gemm: gemm)
            }
            conv.xnorForward = on == true ? conv.xnorProduct : nil
        }
    }
}
