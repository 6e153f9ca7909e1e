let wasm;

let cachedUint8ArrayMemory0 = null;

function getUint8ArrayMemory0() {
    if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.buffer !== wasm.memory.buffer) {
        cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
    }
    return cachedUint8ArrayMemory0;
}

let cachedTextDecoder = (typeof TextDecoder !== 'undefined' ? new TextDecoder('utf-8', { ignoreBOM: true, fatal: true }) : undefined);

if (cachedTextDecoder) cachedTextDecoder.decode();

const MAX_SAFARI_DECODE_BYTES = 2146435072;
let numBytesDecoded = 0;
function decodeText(ptr, len) {
    numBytesDecoded += len;
    if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
        cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
        cachedTextDecoder.decode();
        numBytesDecoded = len;
    }
    return cachedTextDecoder.decode(getUint8ArrayMemory0().slice(ptr, ptr + len));
}

function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(ptr, len);
}

let heap = new Array(128).fill(undefined);

heap.push(undefined, null, true, false);

let heap_next = heap.length;

function addHeapObject(obj) {
    if (heap_next === heap.length) heap.push(heap.length + 1);
    const idx = heap_next;
    heap_next = heap[idx];

    heap[idx] = obj;
    return idx;
}

let cachedDataViewMemory0 = null;

function getDataViewMemory0() {
    if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer !== wasm.memory.buffer) {
        cachedDataViewMemory0 = new DataView(wasm.memory.buffer);
    }
    return cachedDataViewMemory0;
}

function getObject(idx) { return heap[idx]; }

function dropObject(idx) {
    if (idx < 132) return;
    heap[idx] = heap_next;
    heap_next = idx;
}

function takeObject(idx) {
    const ret = getObject(idx);
    dropObject(idx);
    return ret;
}
/**
 * Allocates `bytes` zeroed bytes aligned to `align` (a power of two, at
 * least 16) and returns the byte offset; free it with [`free`].
 * @param {number} bytes
 * @param {number} align
 * @returns {number}
 */
export function alloc(bytes, align) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.alloc(retptr, bytes, align);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        if (r2) {
            throw takeObject(r1);
        }
        return r0 >>> 0;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * `m_i = Σ f_ie W[e]`, `mb_i = Σ f_ie wb[e]` for movies `first..last` of the
 * `rows` movies whose features are the CSR (`indptr`, `indices`, `values`) over
 * `cols` features; `m` and `mb` are the arrays of all rows (only the range is
 * written, so Workers can project disjoint ranges at once).
 * @param {number} indptr
 * @param {number} indices
 * @param {number} values
 * @param {number} rows
 * @param {number} cols
 * @param {number} stride
 * @param {number} w
 * @param {number} wb
 * @param {number} m
 * @param {number} mb
 * @param {number} first
 * @param {number} last
 */
export function metaProject(indptr, indices, values, rows, cols, stride, w, wb, m, mb, first, last) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.metaProject(retptr, indptr, indices, values, rows, cols, stride, w, wb, m, mb, first, last);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Begins a round of SGD or AdaGrad with metadata for movies `first..last` of `rows`: the rated
 * movies' rows and biases shifted to `q + m`, `b + mb` and kept in `vs`, `bvs` (see
 * `meta::enter`). Movies are independent, so Workers can take disjoint ranges at once.
 * @param {number} q
 * @param {number} b
 * @param {number} m
 * @param {number} mb
 * @param {number} counts
 * @param {number} rows
 * @param {number} stride
 * @param {number} vs
 * @param {number} bvs
 * @param {number} first
 * @param {number} last
 */
export function metaEnter(q, b, m, mb, counts, rows, stride, vs, bvs, first, last) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.metaEnter(retptr, q, b, m, mb, counts, rows, stride, vs, bvs, first, last);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Ends a round of SGD with metadata for movies `first..last` of `rows`: W's gradient sums
 * from the rows' change, and the rows shifted back (see `meta::leave`). `inv_lr`,
 * `inv_lr_bias`: 1/lr of the rows and of the biases; `reg`, `reg_bias`: their
 * regularisations times the round's share of ratings.
 * @param {number} q
 * @param {number} b
 * @param {number} m
 * @param {number} mb
 * @param {number} counts
 * @param {number} rows
 * @param {number} stride
 * @param {number} vs
 * @param {number} bvs
 * @param {number} inv_lr
 * @param {number} inv_lr_bias
 * @param {number} reg
 * @param {number} reg_bias
 * @param {number} g
 * @param {number} gb
 * @param {number} first
 * @param {number} last
 */
export function metaLeave(q, b, m, mb, counts, rows, stride, vs, bvs, inv_lr, inv_lr_bias, reg, reg_bias, g, gb, first, last) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.metaLeave(retptr, q, b, m, mb, counts, rows, stride, vs, bvs, inv_lr, inv_lr_bias, reg, reg_bias, g, gb, first, last);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * [`meta_leave`] for AdaGrad (see `meta::leave_adagrad`): `reg` the rows' weight decay,
 * `sums` the movies' AdaGrad state (4 floats a movie) with the round's step sizes and kept
 * ratings, `g` W's gradient sums of the rows (the biases' were summed in the pass).
 * @param {number} q
 * @param {number} b
 * @param {number} m
 * @param {number} mb
 * @param {number} counts
 * @param {number} rows
 * @param {number} stride
 * @param {number} vs
 * @param {number} reg
 * @param {number} sums
 * @param {number} g
 * @param {number} first
 * @param {number} last
 */
export function metaLeaveAdagrad(q, b, m, mb, counts, rows, stride, vs, reg, sums, g, first, last) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.metaLeaveAdagrad(retptr, q, b, m, mb, counts, rows, stride, vs, reg, sums, g, first, last);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * `dW = Σ_i f_i ⊗ G_i`, `dwb = Σ_i f_i gb_i` over movies `first..last`
 * (overwriting `dw` and `dwb`: a partial the host adds up), then zeroes those
 * rows of `g` and `gb` (arrays of all rows).
 * @param {number} indptr
 * @param {number} indices
 * @param {number} values
 * @param {number} rows
 * @param {number} cols
 * @param {number} stride
 * @param {number} g
 * @param {number} gb
 * @param {number} dw
 * @param {number} dwb
 * @param {number} first
 * @param {number} last
 */
export function metaReduce(indptr, indices, values, rows, cols, stride, g, gb, dw, dwb, first, last) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.metaReduce(retptr, indptr, indices, values, rows, cols, stride, g, gb, dw, dwb, first, last);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * One Adam step on `n` weights from the ascent sum `dw` (see `meta::adam_step`).
 * @param {number} w
 * @param {number} dw
 * @param {number} mw
 * @param {number} vw
 * @param {number} n
 * @param {number} scale
 * @param {number} lr
 * @param {number} reg
 * @param {number} c1
 * @param {number} c2
 */
export function metaAdam(w, dw, mw, vw, n, scale, lr, reg, c1, c2) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.metaAdam(retptr, w, dw, mw, vw, n, scale, lr, reg, c1, c2);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * The hidden-layer projection (see `meta::project_hidden`); `params` holds
 * W1 (cols × units), b1 (units), W2 (units × stride) and wb (cols), in that order.
 * @param {number} indptr
 * @param {number} indices
 * @param {number} values
 * @param {number} rows
 * @param {number} cols
 * @param {number} units
 * @param {number} stride
 * @param {number} params
 * @param {number} hidden
 * @param {number} m
 * @param {number} mb
 */
export function metaProjectHidden(indptr, indices, values, rows, cols, units, stride, params, hidden, m, mb) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.metaProjectHidden(retptr, indptr, indices, values, rows, cols, units, stride, params, hidden, m, mb);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Back-propagates per-movie gradient sums through the hidden layer into
 * `grads` (same layout as `params` in [`meta_project_hidden`]).
 * @param {number} indptr
 * @param {number} indices
 * @param {number} values
 * @param {number} rows
 * @param {number} cols
 * @param {number} units
 * @param {number} stride
 * @param {number} params
 * @param {number} hidden
 * @param {number} g
 * @param {number} gb
 * @param {number} grads
 */
export function metaReduceHidden(indptr, indices, values, rows, cols, units, stride, params, hidden, g, gb, grads) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.metaReduceHidden(retptr, indptr, indices, values, rows, cols, units, stride, params, hidden, g, gb, grads);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Trains on ratings `start..end` of the pass at `pass` (see
 * [`TrainPass::address`]); returns the sum of squared errors measured
 * before each update. `scalar` picks the scalar twin (same bits).
 * @param {number} pass
 * @param {number} start
 * @param {number} end
 * @param {boolean} scalar
 * @returns {number}
 */
export function trainRange(pass, start, end, scalar) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.trainRange(retptr, pass, start, end, scalar);
        var r0 = getDataViewMemory0().getFloat64(retptr + 8 * 0, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        var r3 = getDataViewMemory0().getInt32(retptr + 4 * 3, true);
        if (r3) {
            throw takeObject(r2);
        }
        return r0;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

let cachedFloat64ArrayMemory0 = null;

function getFloat64ArrayMemory0() {
    if (cachedFloat64ArrayMemory0 === null || cachedFloat64ArrayMemory0.buffer !== wasm.memory.buffer) {
        cachedFloat64ArrayMemory0 = new Float64Array(wasm.memory.buffer);
    }
    return cachedFloat64ArrayMemory0;
}

function getArrayF64FromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return getFloat64ArrayMemory0().subarray(ptr / 8, ptr / 8 + len);
}
/**
 * Sums of squared and absolute errors of clamped predictions over ratings
 * `start..end` of the pass at `pass`, as `[sse, sae]`.
 * @param {number} pass
 * @param {number} start
 * @param {number} end
 * @returns {Float64Array}
 */
export function errorsRange(pass, start, end) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.errorsRange(retptr, pass, start, end);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        var r3 = getDataViewMemory0().getInt32(retptr + 4 * 3, true);
        if (r3) {
            throw takeObject(r2);
        }
        var v1 = getArrayF64FromWasm0(r0, r1).slice();
        wasm.__wbindgen_export(r0, r1 * 8, 8);
        return v1;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Folds in a new user from `n` ratings on movies whose effective vectors
 * (`n × stride`, first `k` used) and biases are given; writes the user's
 * `k` factors to `out_p` and returns the user's bias.
 * @param {number} vectors
 * @param {number} bias
 * @param {number} ratings
 * @param {number} n
 * @param {number} stride
 * @param {number} k
 * @param {number} mu
 * @param {number} reg
 * @param {number} reg_bias
 * @param {number} iterations
 * @param {number} out_p
 * @returns {number}
 */
export function foldIn(vectors, bias, ratings, n, stride, k, mu, reg, reg_bias, iterations, out_p) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.foldIn(retptr, vectors, bias, ratings, n, stride, k, mu, reg, reg_bias, iterations, out_p);
        var r0 = getDataViewMemory0().getFloat32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        if (r2) {
            throw takeObject(r1);
        }
        return r0;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Adds `Σ x xᵀ` over rows `first..last` of `rows` (`stride` floats each) to
 * `out` (`stride × stride`).
 * @param {number} rows
 * @param {number} first
 * @param {number} last
 * @param {number} stride
 * @param {number} out
 */
export function implicitGram(rows, first, last, stride, out) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.implicitGram(retptr, rows, first, last, stride, out);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Solves rows `first..last` of one side (`x`, `n_rows × stride`) against the
 * other side (`other`, `n_other × stride`) and its Gram matrix; the rows'
 * observed items are a CSR (`indptr`, `n_rows + 1` entries; `indices`;
 * `weights`, or 0 for all ones). Returns the summed squared residual (see `implicit::solve_rows`).
 * @param {number} x
 * @param {number} n_rows
 * @param {number} first
 * @param {number} last
 * @param {number} indptr
 * @param {number} indices
 * @param {number} weights
 * @param {number} other
 * @param {number} n_other
 * @param {number} gram
 * @param {number} stride
 * @param {number} alpha0
 * @param {number} reg
 * @param {number} nu
 * @param {number} steps
 * @returns {number}
 */
export function implicitSolve(x, n_rows, first, last, indptr, indices, weights, other, n_other, gram, stride, alpha0, reg, nu, steps) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.implicitSolve(retptr, x, n_rows, first, last, indptr, indices, weights, other, n_other, gram, stride, alpha0, reg, nu, steps);
        var r0 = getDataViewMemory0().getFloat64(retptr + 8 * 0, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        var r3 = getDataViewMemory0().getInt32(retptr + 4 * 3, true);
        if (r3) {
            throw takeObject(r2);
        }
        return r0;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Draws rows `first..last` of one side (`rows`, `n_rows × stride`; `side` 0
 * users, 1 movies) from their Gibbs conditional given the other side's rows,
 * the side's hyperparameters (`mean`, `d` f64; `precision`, `d×d` f64, `d =
 * k + 1`; `offsets`, every row's prior mean shift, `n_rows × stride` f32, or 0)
 * and the noise precision; the rows' ratings are a CSR naming rows of the other
 * side. `scalar` runs the scalar twin of the SIMD path (same bits). See
 * `bpmf::sample_rows`.
 * @param {number} rows
 * @param {number} n_rows
 * @param {number} first
 * @param {number} last
 * @param {number} indptr
 * @param {number} indices
 * @param {number} ratings
 * @param {number} other
 * @param {number} n_other
 * @param {number} k
 * @param {number} stride
 * @param {number} mu
 * @param {number} mean
 * @param {number} precision
 * @param {number} offsets
 * @param {number} alpha
 * @param {number} seed
 * @param {number} sweep
 * @param {number} side
 * @param {boolean} scalar
 */
export function bpmfSampleRows(rows, n_rows, first, last, indptr, indices, ratings, other, n_other, k, stride, mu, mean, precision, offsets, alpha, seed, sweep, side, scalar) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.bpmfSampleRows(retptr, rows, n_rows, first, last, indptr, indices, ratings, other, n_other, k, stride, mu, mean, precision, offsets, alpha, seed, sweep, side, scalar);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Frees a block from [`alloc`]; `bytes` and `align` must be the ones it was allocated with.
 * @param {number} ptr
 * @param {number} bytes
 * @param {number} align
 */
export function free(ptr, bytes, align) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.free(retptr, ptr, bytes, align);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Draws a side's hyperparameters from their posterior given its `n_rows` rows
 * (less their prior mean shifts `offsets`, or 0) into `mean` (`k + 1` f64) and
 * `precision` (`(k + 1)²` f64); with movie features, `scatter` (`λ·βᵀβ`, d×d f64)
 * and `n_features` add the projection's prior (0 and 0 without).
 * @param {number} rows
 * @param {number} offsets
 * @param {number} scatter
 * @param {number} n_features
 * @param {number} n_rows
 * @param {number} k
 * @param {number} stride
 * @param {number} seed
 * @param {number} sweep
 * @param {number} side
 * @param {number} mean
 * @param {number} precision
 */
export function bpmfSampleHyper(rows, offsets, scatter, n_features, n_rows, k, stride, seed, sweep, side, mean, precision) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.bpmfSampleHyper(retptr, rows, offsets, scatter, n_features, n_rows, k, stride, seed, sweep, side, mean, precision);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Writes the Cholesky factor of `FᵀF + λI` (`cols²` f64) for the features' CSR
 * (`rows` movies × `cols` features); see `macau::gram_factor`.
 * @param {number} indptr
 * @param {number} indices
 * @param {number} values
 * @param {number} rows
 * @param {number} cols
 * @param {number} lambda
 * @param {number} factor
 */
export function macauGramFactor(indptr, indices, values, rows, cols, lambda, factor) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.macauGramFactor(retptr, indptr, indices, values, rows, cols, lambda, factor);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Draws the projection β (`cols × (k + 1)` f64) of the movies' features given
 * their rows `v` and the movie side's hyperparameters; writes every movie's prior
 * shift into `offsets` (`rows × stride` f32) and `λ·βᵀβ` into `scatter`. See
 * `macau::sample_beta`.
 * @param {number} indptr
 * @param {number} indices
 * @param {number} values
 * @param {number} rows
 * @param {number} cols
 * @param {number} v
 * @param {number} k
 * @param {number} stride
 * @param {number} mean
 * @param {number} precision
 * @param {number} factor
 * @param {number} lambda
 * @param {number} seed
 * @param {number} sweep
 * @param {number} beta
 * @param {number} offsets
 * @param {number} scatter
 */
export function macauSampleBeta(indptr, indices, values, rows, cols, v, k, stride, mean, precision, factor, lambda, seed, sweep, beta, offsets, scatter) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.macauSampleBeta(retptr, indptr, indices, values, rows, cols, v, k, stride, mean, precision, factor, lambda, seed, sweep, beta, offsets, scatter);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * The squared error of the current rows over the ratings of users `first..last` (a user CSR).
 * @param {number} indptr
 * @param {number} indices
 * @param {number} ratings
 * @param {number} first
 * @param {number} last
 * @param {number} users
 * @param {number} n_users
 * @param {number} movies
 * @param {number} n_movies
 * @param {number} k
 * @param {number} stride
 * @param {number} mu
 * @returns {number}
 */
export function bpmfSse(indptr, indices, ratings, first, last, users, n_users, movies, n_movies, k, stride, mu) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.bpmfSse(retptr, indptr, indices, ratings, first, last, users, n_users, movies, n_movies, k, stride, mu);
        var r0 = getDataViewMemory0().getFloat64(retptr + 8 * 0, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        var r3 = getDataViewMemory0().getInt32(retptr + 4 * 3, true);
        if (r3) {
            throw takeObject(r2);
        }
        return r0;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Writes the diagonal of the inverse of the `d×d` f64 matrix `precision` to `out` (d f64): a side's
 * prior variances.
 * @param {number} precision
 * @param {number} d
 * @param {number} out
 */
export function bpmfPriorVariance(precision, d, out) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.bpmfPriorVariance(retptr, precision, d, out);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * The largest factor count the sampler takes.
 * @returns {number}
 */
export function bpmfMaxK() {
    const ret = wasm.bpmfMaxK();
    return ret >>> 0;
}

/**
 * Draws the noise precision given the squared error `sse` of `n` ratings.
 * @param {number} sse
 * @param {number} n
 * @param {number} seed
 * @param {number} sweep
 * @returns {number}
 */
export function bpmfSampleAlpha(sse, n, seed, sweep) {
    const ret = wasm.bpmfSampleAlpha(sse, n, seed, sweep);
    return ret;
}

/**
 * Adds the current sample's predictions of ratings `first..last` of a set
 * (`user_idx`, `movie_idx`) to `sum` and their squares to `sum_sq` (f64, the set's length).
 * @param {number} user_idx
 * @param {number} movie_idx
 * @param {number} n
 * @param {number} first
 * @param {number} last
 * @param {number} users
 * @param {number} n_users
 * @param {number} movies
 * @param {number} n_movies
 * @param {number} k
 * @param {number} stride
 * @param {number} mu
 * @param {number} sum
 * @param {number} sum_sq
 */
export function bpmfAccumulate(user_idx, movie_idx, n, first, last, users, n_users, movies, n_movies, k, stride, mu, sum, sum_sq) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.bpmfAccumulate(retptr, user_idx, movie_idx, n, first, last, users, n_users, movies, n_movies, k, stride, mu, sum, sum_sq);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Bytes the core's heap holds (every thread's allocations).
 * @returns {number}
 */
export function bytesInUse() {
    const ret = wasm.bytesInUse();
    return ret >>> 0;
}

/**
 * `dot(a[0..n], b[0..n])`; `scalar` picks the scalar twin (same bits).
 * @param {number} a
 * @param {number} b
 * @param {number} n
 * @param {boolean} scalar
 * @returns {number}
 */
export function dot(a, b, n, scalar) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.dot(retptr, a, b, n, scalar);
        var r0 = getDataViewMemory0().getFloat32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        if (r2) {
            throw takeObject(r1);
        }
        return r0;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Replaces `n` raw ids in place by their dense indices.
 * @param {number} ids
 * @param {number} n
 * @param {number} table
 * @param {number} table_len
 */
export function idsRemap(ids, n, table, table_len) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.idsRemap(retptr, ids, n, table, table_len);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Stable counting sort of row numbers by key; `perm_in` may be 0 (0..n).
 * `counts` has `n_keys + 1` u32 of scratch.
 * @param {number} keys
 * @param {number} n
 * @param {number} n_keys
 * @param {number} counts
 * @param {number} perm_in
 * @param {number} perm_out
 */
export function countingOrder(keys, n, n_keys, counts, perm_in, perm_out) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.countingOrder(retptr, keys, n, n_keys, counts, perm_in, perm_out);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Copies `n` 4-byte elements from `src` to `dst` (the ranges may overlap), as one bulk
 * memory copy: a typed array's `set` between views of shared memory is many times slower.
 * @param {number} src
 * @param {number} dst
 * @param {number} n
 */
export function copy32(src, dst, n) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.copy32(retptr, src, dst, n);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * `dst[i] = src[perm[i]]` for `n` 4-byte elements; every `perm[i] < n`.
 * @param {number} src
 * @param {number} perm
 * @param {number} n
 * @param {number} dst
 */
export function gather32(src, perm, n, dst) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.gather32(retptr, src, perm, n, dst);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Drops duplicate (user, movie) rows from sorted columns, keeping the last;
 * returns the number kept. `times` may be 0.
 * @param {number} users
 * @param {number} movies
 * @param {number} ratings
 * @param {number} times
 * @param {number} n
 * @returns {number}
 */
export function dedupe(users, movies, ratings, times, n) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.dedupe(retptr, users, movies, ratings, times, n);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        if (r2) {
            throw takeObject(r1);
        }
        return r0 >>> 0;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Rows `from..to` of `n` in one pass (see `order::scan`; call it for slices from 0 to
 * `n` in order, `state` — 4 u32 — carried between them and reset when `from` is 0):
 * -1 when the rows are not sorted by (user, movie), else the first row whose pair the
 * next repeats so far (`n` when none; after the last slice `offsets`, `n_users + 1`
 * u32, holds the per-user offsets).
 * @param {number} users
 * @param {number} movies
 * @param {number} n
 * @param {number} from
 * @param {number} to
 * @param {number} n_users
 * @param {number} offsets
 * @param {number} state
 * @returns {number}
 */
export function scanRows(users, movies, n, from, to, n_users, offsets, state) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.scanRows(retptr, users, movies, n, from, to, n_users, offsets, state);
        var r0 = getDataViewMemory0().getFloat64(retptr + 8 * 0, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        var r3 = getDataViewMemory0().getInt32(retptr + 4 * 3, true);
        if (r3) {
            throw takeObject(r2);
        }
        return r0;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Per-user offsets (`n_users + 1` u32) of user-sorted rows.
 * @param {number} users
 * @param {number} n
 * @param {number} n_users
 * @param {number} offsets
 */
export function userOffsets(users, n, n_users, offsets) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.userOffsets(retptr, users, n, n_users, offsets);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * 64-bit checksum of `n` 4-byte words at `words`, as 16 hex digits;
 * `scalar` picks the scalar twin (same value).
 * @param {number} words
 * @param {number} n
 * @param {boolean} scalar
 * @returns {string}
 */
export function checksum(words, n, scalar) {
    let deferred2_0;
    let deferred2_1;
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.checksum(retptr, words, n, scalar);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        var r3 = getDataViewMemory0().getInt32(retptr + 4 * 3, true);
        var ptr1 = r0;
        var len1 = r1;
        if (r3) {
            ptr1 = 0; len1 = 0;
            throw takeObject(r2);
        }
        deferred2_0 = ptr1;
        deferred2_1 = len1;
        return getStringFromWasm0(ptr1, len1);
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
        wasm.__wbindgen_export(deferred2_0, deferred2_1, 1);
    }
}

function getArrayJsValueFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    const mem = getDataViewMemory0();
    const result = [];
    for (let i = ptr; i < ptr + 4 * len; i += 4) {
        result.push(takeObject(mem.getUint32(i, true)));
    }
    return result;
}
/**
 * The checksums (16 hex digits each) of `n` arrays of 4-byte words: array i
 * has `lens[i]` words at `ptrs[i]`. Each equals [`checksum`] of it; their
 * chains run side by side, several times faster than one after another.
 * @param {number} ptrs
 * @param {number} lens
 * @param {number} n
 * @returns {string[]}
 */
export function checksumMany(ptrs, lens, n) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.checksumMany(retptr, ptrs, lens, n);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        var r3 = getDataViewMemory0().getInt32(retptr + 4 * 3, true);
        if (r3) {
            throw takeObject(r2);
        }
        var v1 = getArrayJsValueFromWasm0(r0, r1).slice();
        wasm.__wbindgen_export(r0, r1 * 4, 4);
        return v1;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * `y[i] += alpha * x[i]` for `i < n`.
 * @param {number} alpha
 * @param {number} x
 * @param {number} y
 * @param {number} n
 */
export function axpy(alpha, x, y, n) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.axpy(retptr, alpha, x, y, n);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Scores movies `first..first + count` for one user with the model's formula
 * (`predict::raw_score`): the user's `k` factors at `user`, its bias and the
 * global mean `mu`; the movies' effective rows in `factors` (`stride` apart)
 * and biases in `bias` (0: none), both indexed by movie. `clamped` writes
 * predicted ratings (0.5–5) instead of raw scores. `out` receives `count`
 * values, movie `first` first.
 * @param {number} user
 * @param {number} user_bias
 * @param {number} mu
 * @param {number} factors
 * @param {number} stride
 * @param {number} k
 * @param {number} bias
 * @param {number} first
 * @param {number} count
 * @param {number} out
 * @param {boolean} clamped
 * @param {boolean} scalar
 */
export function scoreMovies(user, user_bias, mu, factors, stride, k, bias, first, count, out, clamped, scalar) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.scoreMovies(retptr, user, user_bias, mu, factors, stride, k, bias, first, count, out, clamped, scalar);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * The `n` best movies of `0..count` for one user (same inputs as
 * [`score_movies`]), skipping the `n_excluded` movie indices at `excluded`
 * (increasing order); writes their indices to `out_movies` and predicted
 * ratings to `out_ratings`, best first, and returns how many it wrote.
 * @param {number} user
 * @param {number} user_bias
 * @param {number} mu
 * @param {number} factors
 * @param {number} stride
 * @param {number} k
 * @param {number} bias
 * @param {number} count
 * @param {number} excluded
 * @param {number} n_excluded
 * @param {number} n
 * @param {number} out_movies
 * @param {number} out_ratings
 * @returns {number}
 */
export function topMovies(user, user_bias, mu, factors, stride, k, bias, count, excluded, n_excluded, n, out_movies, out_ratings) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.topMovies(retptr, user, user_bias, mu, factors, stride, k, bias, count, excluded, n_excluded, n, out_movies, out_ratings);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        if (r2) {
            throw takeObject(r1);
        }
        return r0 >>> 0;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Top-`n` lists by the dot product for users `first..last` of `n_users`
 * (see `score::top_movies_batch`): each user's excluded movies are its row
 * of the CSR `excluded_ptr` (`n_users + 1` offsets) / `excluded`, increasing.
 * `out_movies` and `out_scores` hold `n` entries for each of the `n_users`
 * users; rows `first..last` are written.
 * @param {number} users
 * @param {number} n_users
 * @param {number} first
 * @param {number} last
 * @param {number} stride
 * @param {number} k
 * @param {number} movies
 * @param {number} count
 * @param {number} excluded_ptr
 * @param {number} excluded
 * @param {number} n
 * @param {number} out_movies
 * @param {number} out_scores
 */
export function topMoviesBatch(users, n_users, first, last, stride, k, movies, count, excluded_ptr, excluded, n, out_movies, out_scores) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.topMoviesBatch(retptr, users, n_users, first, last, stride, k, movies, count, excluded_ptr, excluded, n, out_movies, out_scores);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Parses whole lines of a ratings CSV (no header) at `input` (`len` bytes)
 * into columns of `capacity` rows, writing from row `start`; see
 * `ratings_csv::parse`. `times` may be 0 when `has_time` is false.
 * `max_user` and `max_movie` carry the running maxima from the last call.
 * @param {number} input
 * @param {number} len
 * @param {boolean} has_time
 * @param {number} users
 * @param {number} movies
 * @param {number} ratings
 * @param {number} times
 * @param {number} start
 * @param {number} capacity
 * @param {number} max_user
 * @param {number} max_movie
 * @returns {ParseResult}
 */
export function parseRatings(input, len, has_time, users, movies, ratings, times, start, capacity, max_user, max_movie) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.parseRatings(retptr, input, len, has_time, users, movies, ratings, times, start, capacity, max_user, max_movie);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        if (r2) {
            throw takeObject(r1);
        }
        return ParseResult.__wrap(r0);
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Marks `n` raw ids in a lookup table of `table_len` i32 (see `ids`).
 * @param {number} ids
 * @param {number} n
 * @param {number} table
 * @param {number} table_len
 */
export function idsMark(ids, n, table, table_len) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.idsMark(retptr, ids, n, table, table_len);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Turns marks into dense ranks; returns the number of distinct ids.
 * @param {number} table
 * @param {number} table_len
 * @returns {number}
 */
export function idsAssign(table, table_len) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.idsAssign(retptr, table, table_len);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        var r2 = getDataViewMemory0().getInt32(retptr + 4 * 2, true);
        if (r2) {
            throw takeObject(r1);
        }
        return r0 >>> 0;
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * Writes the raw id of each of `n_out` dense indices to `out`.
 * @param {number} table
 * @param {number} table_len
 * @param {number} out
 * @param {number} n_out
 */
export function idsList(table, table_len, out, n_out) {
    try {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        wasm.idsList(retptr, table, table_len, out, n_out);
        var r0 = getDataViewMemory0().getInt32(retptr + 4 * 0, true);
        var r1 = getDataViewMemory0().getInt32(retptr + 4 * 1, true);
        if (r1) {
            throw takeObject(r0);
        }
    } finally {
        wasm.__wbindgen_add_to_stack_pointer(16);
    }
}

/**
 * The optimisers; the host names them through this generated enum.
 * @enum {0 | 1 | 2}
 */
export const Optimizer = Object.freeze({
    /**
     * Plain SGD with the host's learning-rate schedule.
     */
    Sgd: 0, "0": "Sgd",
    /**
     * Adam with per-row ("lazy") moments and bias correction.
     */
    Adam: 1, "1": "Adam",
    /**
     * Per-row AdaGrad, as LIBMF: each row's step is `lr / sqrt(1 + G)` ([`inv_sqrt`]) with its sum `G` so far
     * (`su[0]`, `si[0]`; biases in `su[1]`, `si[1]`), then `G` grows by the rating's squared error over
     * the row length, `e²/k` (LIBMF adds the row's mean squared gradient, `|e·q − λ·p|²/k`; see
     * [`adagrad`] for why not).
     */
    Adagrad: 2, "2": "Adagrad",
});
/**
 * Parse outcomes (`ParseResult::code`); the host reads the generated enum.
 * @enum {0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8}
 */
export const ParseCode = Object.freeze({
    /**
     * Every line was parsed.
     */
    Ok: 0, "0": "Ok",
    /**
     * A row has too few or too many fields.
     */
    FieldCount: 1, "1": "FieldCount",
    /**
     * A field is not a plain decimal number.
     */
    BadNumber: 2, "2": "BadNumber",
    /**
     * An id is negative or above 2^31 - 1.
     */
    IdRange: 3, "3": "IdRange",
    /**
     * A rating is outside [0.5, 5].
     */
    RatingRange: 4, "4": "RatingRange",
    /**
     * A rating is not a multiple of 0.5.
     */
    RatingStep: 5, "5": "RatingStep",
    /**
     * A timestamp is negative or above 2^32 - 1.
     */
    TimeRange: 6, "6": "TimeRange",
    /**
     * A quoted field is not closed on its line, or text follows its closing quote.
     */
    Quote: 7, "7": "Quote",
    /**
     * The output columns are full; call again with the rest of the input.
     */
    Full: 8, "8": "Full",
});

const ParseResultFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_parseresult_free(ptr >>> 0, 1));
/**
 * Where parsing stopped and what it produced (the host reads its fields by name).
 */
export class ParseResult {

    static __wrap(ptr) {
        ptr = ptr >>> 0;
        const obj = Object.create(ParseResult.prototype);
        obj.__wbg_ptr = ptr;
        ParseResultFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }

    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        ParseResultFinalization.unregister(this);
        return ptr;
    }

    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_parseresult_free(ptr, 0);
    }
    /**
     * Rows written to the output columns by this call.
     * @returns {number}
     */
    get rows() {
        const ret = wasm.__wbg_get_parseresult_rows(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Rows written to the output columns by this call.
     * @param {number} arg0
     */
    set rows(arg0) {
        wasm.__wbg_set_parseresult_rows(this.__wbg_ptr, arg0);
    }
    /**
     * Lines consumed (blank ones included); the bad line is not counted.
     * @returns {number}
     */
    get lines() {
        const ret = wasm.__wbg_get_parseresult_lines(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Lines consumed (blank ones included); the bad line is not counted.
     * @param {number} arg0
     */
    set lines(arg0) {
        wasm.__wbg_set_parseresult_lines(this.__wbg_ptr, arg0);
    }
    /**
     * Bytes consumed; on an error, the offset of the bad line.
     * @returns {number}
     */
    get bytes() {
        const ret = wasm.__wbg_get_parseresult_bytes(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Bytes consumed; on an error, the offset of the bad line.
     * @param {number} arg0
     */
    set bytes(arg0) {
        wasm.__wbg_set_parseresult_bytes(this.__wbg_ptr, arg0);
    }
    /**
     * One of [`code`].
     * @returns {number}
     */
    get code() {
        const ret = wasm.__wbg_get_parseresult_code(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * One of [`code`].
     * @param {number} arg0
     */
    set code(arg0) {
        wasm.__wbg_set_parseresult_code(this.__wbg_ptr, arg0);
    }
    /**
     * On an error, the 0-based field it was found in (or the field count).
     * @returns {number}
     */
    get column() {
        const ret = wasm.__wbg_get_parseresult_column(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * On an error, the 0-based field it was found in (or the field count).
     * @param {number} arg0
     */
    set column(arg0) {
        wasm.__wbg_set_parseresult_column(this.__wbg_ptr, arg0);
    }
    /**
     * Largest user id seen so far (carried in and out across calls).
     * @returns {number}
     */
    get max_user() {
        const ret = wasm.__wbg_get_parseresult_max_user(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Largest user id seen so far (carried in and out across calls).
     * @param {number} arg0
     */
    set max_user(arg0) {
        wasm.__wbg_set_parseresult_max_user(this.__wbg_ptr, arg0);
    }
    /**
     * Largest movie id seen so far (carried in and out across calls).
     * @returns {number}
     */
    get max_movie() {
        const ret = wasm.__wbg_get_parseresult_max_movie(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Largest movie id seen so far (carried in and out across calls).
     * @param {number} arg0
     */
    set max_movie(arg0) {
        wasm.__wbg_set_parseresult_max_movie(this.__wbg_ptr, arg0);
    }
    /**
     * Blank lines skipped by this call.
     * @returns {number}
     */
    get blank() {
        const ret = wasm.__wbg_get_parseresult_blank(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Blank lines skipped by this call.
     * @param {number} arg0
     */
    set blank(arg0) {
        wasm.__wbg_set_parseresult_blank(this.__wbg_ptr, arg0);
    }
}
if (Symbol.dispose) ParseResult.prototype[Symbol.dispose] = ParseResult.prototype.free;

const TrainPassFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_trainpass_free(ptr >>> 0, 1));
/**
 * Everything one training or evaluation pass reads: shapes, the model's and
 * the optimiser's buffers (byte offsets), the ratings and the
 * hyper-parameters. The host fills it by field name; Workers get its
 * [`TrainPass::address`]. Buffers that a pass does not use are 0.
 */
export class TrainPass {

    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        TrainPassFinalization.unregister(this);
        return ptr;
    }

    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_trainpass_free(ptr, 0);
    }
    /**
     * Number of users.
     * @returns {number}
     */
    get n_users() {
        const ret = wasm.__wbg_get_parseresult_lines(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Number of users.
     * @param {number} arg0
     */
    set n_users(arg0) {
        wasm.__wbg_set_parseresult_lines(this.__wbg_ptr, arg0);
    }
    /**
     * Number of movies.
     * @returns {number}
     */
    get n_movies() {
        const ret = wasm.__wbg_get_parseresult_bytes(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Number of movies.
     * @param {number} arg0
     */
    set n_movies(arg0) {
        wasm.__wbg_set_parseresult_bytes(this.__wbg_ptr, arg0);
    }
    /**
     * Number of factors.
     * @returns {number}
     */
    get k() {
        const ret = wasm.__wbg_get_parseresult_code(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Number of factors.
     * @param {number} arg0
     */
    set k(arg0) {
        wasm.__wbg_set_parseresult_code(this.__wbg_ptr, arg0);
    }
    /**
     * Floats per row (k rounded up to 4).
     * @returns {number}
     */
    get stride() {
        const ret = wasm.__wbg_get_parseresult_column(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Floats per row (k rounded up to 4).
     * @param {number} arg0
     */
    set stride(arg0) {
        wasm.__wbg_set_parseresult_column(this.__wbg_ptr, arg0);
    }
    /**
     * Global mean rating.
     * @returns {number}
     */
    get mu() {
        const ret = wasm.__wbg_get_trainpass_mu(this.__wbg_ptr);
        return ret;
    }
    /**
     * Global mean rating.
     * @param {number} arg0
     */
    set mu(arg0) {
        wasm.__wbg_set_trainpass_mu(this.__wbg_ptr, arg0);
    }
    /**
     * User factors.
     * @returns {number}
     */
    get p() {
        const ret = wasm.__wbg_get_parseresult_max_movie(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * User factors.
     * @param {number} arg0
     */
    set p(arg0) {
        wasm.__wbg_set_parseresult_max_movie(this.__wbg_ptr, arg0);
    }
    /**
     * Movie factors.
     * @returns {number}
     */
    get q() {
        const ret = wasm.__wbg_get_parseresult_blank(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Movie factors.
     * @param {number} arg0
     */
    set q(arg0) {
        wasm.__wbg_set_parseresult_blank(this.__wbg_ptr, arg0);
    }
    /**
     * User biases.
     * @returns {number}
     */
    get bu() {
        const ret = wasm.__wbg_get_trainpass_bu(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * User biases.
     * @param {number} arg0
     */
    set bu(arg0) {
        wasm.__wbg_set_trainpass_bu(this.__wbg_ptr, arg0);
    }
    /**
     * Movie biases.
     * @returns {number}
     */
    get bi() {
        const ret = wasm.__wbg_get_trainpass_bi(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Movie biases.
     * @param {number} arg0
     */
    set bi(arg0) {
        wasm.__wbg_set_trainpass_bi(this.__wbg_ptr, arg0);
    }
    /**
     * The optimiser.
     * @returns {Optimizer}
     */
    get optimizer() {
        const ret = wasm.__wbg_get_trainpass_optimizer(this.__wbg_ptr);
        return ret;
    }
    /**
     * The optimiser.
     * @param {Optimizer} arg0
     */
    set optimizer(arg0) {
        wasm.__wbg_set_trainpass_optimizer(this.__wbg_ptr, arg0);
    }
    /**
     * Learning rate of the factors.
     * @returns {number}
     */
    get lr() {
        const ret = wasm.__wbg_get_trainpass_lr(this.__wbg_ptr);
        return ret;
    }
    /**
     * Learning rate of the factors.
     * @param {number} arg0
     */
    set lr(arg0) {
        wasm.__wbg_set_trainpass_lr(this.__wbg_ptr, arg0);
    }
    /**
     * Learning rate of the biases.
     * @returns {number}
     */
    get lr_bias() {
        const ret = wasm.__wbg_get_trainpass_lr_bias(this.__wbg_ptr);
        return ret;
    }
    /**
     * Learning rate of the biases.
     * @param {number} arg0
     */
    set lr_bias(arg0) {
        wasm.__wbg_set_trainpass_lr_bias(this.__wbg_ptr, arg0);
    }
    /**
     * L2 weight decay of the factors.
     * @returns {number}
     */
    get reg() {
        const ret = wasm.__wbg_get_trainpass_reg(this.__wbg_ptr);
        return ret;
    }
    /**
     * L2 weight decay of the factors.
     * @param {number} arg0
     */
    set reg(arg0) {
        wasm.__wbg_set_trainpass_reg(this.__wbg_ptr, arg0);
    }
    /**
     * L2 weight decay of the biases.
     * @returns {number}
     */
    get reg_bias() {
        const ret = wasm.__wbg_get_trainpass_reg_bias(this.__wbg_ptr);
        return ret;
    }
    /**
     * L2 weight decay of the biases.
     * @param {number} arg0
     */
    set reg_bias(arg0) {
        wasm.__wbg_set_trainpass_reg_bias(this.__wbg_ptr, arg0);
    }
    /**
     * Adam's moments of P, Q and the per-row bias state (see `train::Buffers`).
     * @returns {number}
     */
    get mp() {
        const ret = wasm.__wbg_get_trainpass_mp(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Adam's moments of P, Q and the per-row bias state (see `train::Buffers`).
     * @param {number} arg0
     */
    set mp(arg0) {
        wasm.__wbg_set_trainpass_mp(this.__wbg_ptr, arg0);
    }
    /**
     * Second moment of P.
     * @returns {number}
     */
    get vp() {
        const ret = wasm.__wbg_get_trainpass_vp(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Second moment of P.
     * @param {number} arg0
     */
    set vp(arg0) {
        wasm.__wbg_set_trainpass_vp(this.__wbg_ptr, arg0);
    }
    /**
     * First moment of Q.
     * @returns {number}
     */
    get mq() {
        const ret = wasm.__wbg_get_trainpass_mq(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * First moment of Q.
     * @param {number} arg0
     */
    set mq(arg0) {
        wasm.__wbg_set_trainpass_mq(this.__wbg_ptr, arg0);
    }
    /**
     * Second moment of Q.
     * @returns {number}
     */
    get vq() {
        const ret = wasm.__wbg_get_trainpass_vq(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Second moment of Q.
     * @param {number} arg0
     */
    set vq(arg0) {
        wasm.__wbg_set_trainpass_vq(this.__wbg_ptr, arg0);
    }
    /**
     * Per user bias moments and step powers (4 floats).
     * @returns {number}
     */
    get su() {
        const ret = wasm.__wbg_get_trainpass_su(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Per user bias moments and step powers (4 floats).
     * @param {number} arg0
     */
    set su(arg0) {
        wasm.__wbg_set_trainpass_su(this.__wbg_ptr, arg0);
    }
    /**
     * Per movie bias moments and step powers (4 floats).
     * @returns {number}
     */
    get si() {
        const ret = wasm.__wbg_get_trainpass_si(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Per movie bias moments and step powers (4 floats).
     * @param {number} arg0
     */
    set si(arg0) {
        wasm.__wbg_set_trainpass_si(this.__wbg_ptr, arg0);
    }
    /**
     * Dense user index per rating.
     * @returns {number}
     */
    get users() {
        const ret = wasm.__wbg_get_trainpass_users(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Dense user index per rating.
     * @param {number} arg0
     */
    set users(arg0) {
        wasm.__wbg_set_trainpass_users(this.__wbg_ptr, arg0);
    }
    /**
     * Dense movie index per rating.
     * @returns {number}
     */
    get movies() {
        const ret = wasm.__wbg_get_trainpass_movies(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Dense movie index per rating.
     * @param {number} arg0
     */
    set movies(arg0) {
        wasm.__wbg_set_trainpass_movies(this.__wbg_ptr, arg0);
    }
    /**
     * Rating values.
     * @returns {number}
     */
    get ratings() {
        const ret = wasm.__wbg_get_trainpass_ratings(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Rating values.
     * @param {number} arg0
     */
    set ratings(arg0) {
        wasm.__wbg_set_trainpass_ratings(this.__wbg_ptr, arg0);
    }
    /**
     * Number of ratings.
     * @returns {number}
     */
    get n_ratings() {
        const ret = wasm.__wbg_get_trainpass_n_ratings(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Number of ratings.
     * @param {number} arg0
     */
    set n_ratings(arg0) {
        wasm.__wbg_set_trainpass_n_ratings(this.__wbg_ptr, arg0);
    }
    /**
     * Metadata vectors `W·f_i` per movie (0 without metadata).
     * @returns {number}
     */
    get m() {
        const ret = wasm.__wbg_get_trainpass_m(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Metadata vectors `W·f_i` per movie (0 without metadata).
     * @param {number} arg0
     */
    set m(arg0) {
        wasm.__wbg_set_trainpass_m(this.__wbg_ptr, arg0);
    }
    /**
     * Per-movie gradient sums of the metadata vectors.
     * @returns {number}
     */
    get g() {
        const ret = wasm.__wbg_get_trainpass_g(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Per-movie gradient sums of the metadata vectors.
     * @param {number} arg0
     */
    set g(arg0) {
        wasm.__wbg_set_trainpass_g(this.__wbg_ptr, arg0);
    }
    /**
     * Metadata biases per movie.
     * @returns {number}
     */
    get mb() {
        const ret = wasm.__wbg_get_trainpass_mb(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Metadata biases per movie.
     * @param {number} arg0
     */
    set mb(arg0) {
        wasm.__wbg_set_trainpass_mb(this.__wbg_ptr, arg0);
    }
    /**
     * Per-movie gradient sums of the metadata biases.
     * @returns {number}
     */
    get gb() {
        const ret = wasm.__wbg_get_trainpass_gb(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Per-movie gradient sums of the metadata biases.
     * @param {number} arg0
     */
    set gb(arg0) {
        wasm.__wbg_set_trainpass_gb(this.__wbg_ptr, arg0);
    }
    /**
     * Share of the movies in each range of ratings trained as if they were new (metadata only;
     * about that share of the ratings, see `train::dropped`).
     * @returns {number}
     */
    get drop() {
        const ret = wasm.__wbg_get_trainpass_drop(this.__wbg_ptr);
        return ret;
    }
    /**
     * Share of the movies in each range of ratings trained as if they were new (metadata only;
     * about that share of the ratings, see `train::dropped`).
     * @param {number} arg0
     */
    set drop(arg0) {
        wasm.__wbg_set_trainpass_drop(this.__wbg_ptr, arg0);
    }
    /**
     * Salt of the drop decision.
     * @returns {number}
     */
    get salt() {
        const ret = wasm.__wbg_get_trainpass_salt(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Salt of the drop decision.
     * @param {number} arg0
     */
    set salt(arg0) {
        wasm.__wbg_set_trainpass_salt(this.__wbg_ptr, arg0);
    }
    /**
     * An empty pass (every buffer 0).
     */
    constructor() {
        const ret = wasm.trainpass_new();
        this.__wbg_ptr = ret >>> 0;
        TrainPassFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * Byte offset of this pass in the shared memory, for Workers; valid until it is freed.
     * @returns {number}
     */
    address() {
        const ret = wasm.trainpass_address(this.__wbg_ptr);
        return ret >>> 0;
    }
}
if (Symbol.dispose) TrainPass.prototype[Symbol.dispose] = TrainPass.prototype.free;

const EXPECTED_RESPONSE_TYPES = new Set(['basic', 'cors', 'default']);

async function __wbg_load(module, imports) {
    if (typeof Response === 'function' && module instanceof Response) {
        if (typeof WebAssembly.instantiateStreaming === 'function') {
            try {
                return await WebAssembly.instantiateStreaming(module, imports);

            } catch (e) {
                const validResponse = module.ok && EXPECTED_RESPONSE_TYPES.has(module.type);

                if (validResponse && module.headers.get('Content-Type') !== 'application/wasm') {
                    console.warn("`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\n", e);

                } else {
                    throw e;
                }
            }
        }

        const bytes = await module.arrayBuffer();
        return await WebAssembly.instantiate(bytes, imports);

    } else {
        const instance = await WebAssembly.instantiate(module, imports);

        if (instance instanceof WebAssembly.Instance) {
            return { instance, module };

        } else {
            return instance;
        }
    }
}

function __wbg_get_imports(memory) {
    const imports = {};
    imports.wbg = {};
    imports.wbg.__wbg_Error_e83987f665cf5504 = function(arg0, arg1) {
        const ret = Error(getStringFromWasm0(arg0, arg1));
        return addHeapObject(ret);
    };
    imports.wbg.__wbg___wbindgen_throw_b855445ff6a94295 = function(arg0, arg1) {
        throw new Error(getStringFromWasm0(arg0, arg1));
    };
    imports.wbg.__wbindgen_cast_2241b6af4c4b2941 = function(arg0, arg1) {
        // Cast intrinsic for `Ref(String) -> Externref`.
        const ret = getStringFromWasm0(arg0, arg1);
        return addHeapObject(ret);
    };
    imports.wbg.memory = memory || new WebAssembly.Memory({initial:18,maximum:65536,shared:true});

    return imports;
}

function __wbg_finalize_init(instance, module, thread_stack_size) {
    wasm = instance.exports;
    __wbg_init.__wbindgen_wasm_module = module;
    cachedDataViewMemory0 = null;
    cachedFloat64ArrayMemory0 = null;
    cachedUint8ArrayMemory0 = null;

    if (typeof thread_stack_size !== 'undefined' && (typeof thread_stack_size !== 'number' || thread_stack_size === 0 || thread_stack_size % 65536 !== 0)) { throw 'invalid stack size' }
    wasm.__wbindgen_start(thread_stack_size);
    return wasm;
}

function initSync(module, memory) {
    if (wasm !== undefined) return wasm;

    let thread_stack_size
    if (typeof module !== 'undefined') {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module, memory, thread_stack_size} = module)
        } else {
            console.warn('using deprecated parameters for `initSync()`; pass a single object instead')
        }
    }

    const imports = __wbg_get_imports(memory);

    if (!(module instanceof WebAssembly.Module)) {
        module = new WebAssembly.Module(module);
    }

    const instance = new WebAssembly.Instance(module, imports);

    return __wbg_finalize_init(instance, module, thread_stack_size);
}

async function __wbg_init(module_or_path, memory) {
    if (wasm !== undefined) return wasm;

    let thread_stack_size
    if (typeof module_or_path !== 'undefined') {
        if (Object.getPrototypeOf(module_or_path) === Object.prototype) {
            ({module_or_path, memory, thread_stack_size} = module_or_path)
        } else {
            console.warn('using deprecated parameters for the initialization function; pass a single object instead')
        }
    }

    if (typeof module_or_path === 'undefined') {
        module_or_path = new URL('pmf_core_bg.wasm', import.meta.url);
    }
    const imports = __wbg_get_imports(memory);

    if (typeof module_or_path === 'string' || (typeof Request === 'function' && module_or_path instanceof Request) || (typeof URL === 'function' && module_or_path instanceof URL)) {
        module_or_path = fetch(module_or_path);
    }

    const { instance, module } = await __wbg_load(await module_or_path, imports);

    return __wbg_finalize_init(instance, module, thread_stack_size);
}

export { initSync };
export default __wbg_init;
