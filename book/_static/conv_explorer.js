/* A convolution and transposed-convolution explorer that runs in the page.
 *
 * No kernel and no outside request: this file and conv_explorer.css are all
 * it needs. The arithmetic below mirrors the course's companion package line
 * for line, so that the page shows what the tested Python code computes:
 *
 *   companion.shapes: effective_kernel, same_padding, resolve_padding,
 *     conv_output_size, conv_transpose_crop, explain_conv,
 *     explain_conv_transpose (the same sentences, the same error messages);
 *   companion.viz.geometry: conv_geometry (the padded cells under each tap of
 *     each output's window, the input cells it reads) and
 *     conv_transpose_geometry (the full-scatter cell that each input times
 *     each tap is added to, and the output cells that are kept).
 *
 * window.convExplorer.compute(config) is a pure function; the drawing uses
 * nothing else, and tests/test_explorer.py checks it against the companion in
 * Chromium on more than a thousand configurations. Every element with the
 * attribute data-conv-explorer becomes an explorer; its content (a sentence
 * for readers without JavaScript, in Jupyter or Colab) is replaced.
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------
  // Arithmetic: a transcription of companion.shapes and companion.viz.geometry
  // ------------------------------------------------------------------

  var PADDING_MODES = ["valid", "same"];

  function CourseError(message) {
    this.message = message;
  }

  function fail(message) {
    throw new CourseError(message);
  }

  function isInt(v) {
    return typeof v === "number" && isFinite(v) && Math.floor(v) === v;
  }

  // Python's repr() of what a config can hold (ints, strings, null, arrays).
  function pyRepr(v) {
    if (v === null || v === undefined) return "None";
    if (typeof v === "string") return "'" + v + "'";
    if (typeof v === "boolean") return v ? "True" : "False";
    if (Array.isArray(v)) {
      var inner = v.map(pyRepr);
      return v.length === 1 ? "(" + inner[0] + ",)" : "(" + inner.join(", ") + ")";
    }
    return String(v);
  }

  function shortRepr(v) {
    var text = pyRepr(v);
    return text.length <= 60 ? text : text.slice(0, 57) + "...";
  }

  function checkInt(value, name, minimum) {
    if (!isInt(value)) fail(name + " must be an integer, got " + shortRepr(value));
    if (minimum !== undefined && value < minimum) {
      fail(name + " must be >= " + minimum + ", got " + value);
    }
    return value;
  }

  function asPair(value, name, minimum) {
    if (Array.isArray(value)) {
      if (value.length !== 2) {
        fail(name + " must be an int or a pair of ints, got " + shortRepr(value));
      }
      return [checkInt(value[0], name, minimum), checkInt(value[1], name, minimum)];
    }
    var v = checkInt(value, name, minimum);
    return [v, v];
  }

  // Python's // and ceil division on ints.
  function floorDiv(a, b) {
    return Math.floor(a / b);
  }

  function ceilDiv(a, b) {
    return -Math.floor(-a / b);
  }

  function effectiveKernel(kernel, dilation) {
    checkInt(kernel, "kernel", 1);
    checkInt(dilation, "dilation", 1);
    return dilation * (kernel - 1) + 1;
  }

  function paddingMode(padding) {
    if (typeof padding !== "string") return null;
    var mode = padding.toLowerCase();
    if (PADDING_MODES.indexOf(mode) < 0) {
      fail("padding must be one of 'valid', 'same'; got " + shortRepr(mode));
    }
    return mode;
  }

  function samePadding(size, kernel, stride, dilation) {
    checkInt(size, "size", 1);
    checkInt(stride, "stride", 1);
    var kEff = effectiveKernel(kernel, dilation);
    var out = ceilDiv(size, stride);
    var total = Math.max(0, (out - 1) * stride + kEff - size);
    return [floorDiv(total, 2), total - floorDiv(total, 2)];
  }

  function resolvePadding(padding, size, kernel, stride, dilation) {
    var mode = paddingMode(padding);
    if (mode === "valid") return [0, 0];
    if (mode === "same") return samePadding(size, kernel, stride, dilation);
    if (Array.isArray(padding)) {
      if (padding.length !== 2) {
        fail("padding must be an int, a (before, after) pair, 'valid' or " +
             "'same'; got " + shortRepr(padding));
      }
      return [checkInt(padding[0], "padding", 0), checkInt(padding[1], "padding", 0)];
    }
    var p = checkInt(padding, "padding", 0);
    return [p, p];
  }

  function convOutputSize(size, kernel, stride, padding, dilation) {
    checkInt(size, "size", 1);
    checkInt(stride, "stride", 1);
    var kEff = effectiveKernel(kernel, dilation);
    var pad = resolvePadding(padding, size, kernel, stride, dilation);
    var padded = size + pad[0] + pad[1];
    if (padded < kEff) {
      fail("kernel of effective size K = " + kEff + " (kernel " + kernel +
           ", dilation " + dilation + ") is larger than the padded input " +
           padded + " (size " + size + " + padding " + pad[0] + " + " + pad[1] +
           "); use a smaller kernel or pad more");
    }
    return floorDiv(padded - kEff, stride) + 1;
  }

  // [offset, length] of the kept part of the full scatter (conv_transpose_crop)
  function convTransposeCrop(size, kernel, stride, padding, outputPadding, dilation) {
    checkInt(size, "size", 1);
    checkInt(stride, "stride", 1);
    checkInt(dilation, "dilation", 1);
    var kEff = effectiveKernel(kernel, dilation);
    var full = (size - 1) * stride + kEff;
    var mode = paddingMode(padding);
    var op, length;
    if (mode === null) {
      var p = checkInt(padding, "padding", 0);
      op = outputPadding === null ? 0 : checkInt(outputPadding, "output_padding", 0);
      if (op >= Math.max(stride, dilation)) {
        fail("output_padding must be smaller than max(stride, dilation) = " +
             Math.max(stride, dilation) + ", got " + op + "; it only picks one " +
             "of the sizes that map back to the input");
      }
      length = full - 2 * p + op;
      if (length < 1) {
        fail("padding=" + p + " crops the whole output ((H-1)s + K - 2p + " +
             "output_padding = " + length + "); use padding <= " +
             floorDiv(full - 1, 2));
      }
      return [p, length];
    }
    if (outputPadding !== null) {
      op = checkInt(outputPadding, "output_padding", 0);
      if (op >= stride) {
        fail("output_padding must be smaller than stride=" + stride +
             " with padding='" + mode + "' (Keras' rule), got " + op);
      }
    }
    if (mode === "valid") {
      if (outputPadding === null) return [0, size * stride + Math.max(kEff - stride, 0)];
      return [0, full + outputPadding];
    }
    if (outputPadding === null) {
      length = size * stride;
    } else {
      length = (size - 1) * stride + (kEff % 2) + outputPadding;
      if (ceilDiv(length, stride) !== size) {
        fail("output_padding=" + outputPadding + " with padding='same' gives " +
             "size " + length + ", whose 'same' convolution has size " +
             ceilDiv(length, stride) + ", not " + size + "; use output_padding " +
             "in range(" + Math.max(0, 1 - (kEff % 2)) + ", " + stride + ") or None");
      }
    }
    return [floorDiv(Math.max(0, full - length), 2), length];
  }

  function explainConv(size, kernel, stride, padding, dilation) {
    var out = convOutputSize(size, kernel, stride, padding, dilation);
    var kEff = effectiveKernel(kernel, dilation);
    var pad = resolvePadding(padding, size, kernel, stride, dilation);
    var lines = [
      "input H = " + size + ", kernel k = " + kernel + ", stride s = " + stride +
        ", dilation d = " + dilation,
      "effective kernel K = d(k-1)+1 = " + dilation + "*(" + kernel + "-1)+1 = " + kEff
    ];
    var mode = paddingMode(padding);
    if (mode === "same") {
      var o = ceilDiv(size, stride);
      lines.push("'same' (TensorFlow): o = ceil(H/s) = ceil(" + size + "/" + stride +
                 ") = " + o);
      lines.push("total padding = max(0, (o-1)s + K - H) = max(0, " + (o - 1) + "*" +
                 stride + " + " + kEff + " - " + size + ") = " + (pad[0] + pad[1]));
      lines.push("before = total // 2 = " + pad[0] + ", after = " + pad[1]);
    } else if (mode === "valid") {
      lines.push("'valid': no padding");
    }
    lines.push("output o = floor((H + " + pad[0] + " + " + pad[1] + " - K)/s) + 1 = " +
               "floor((" + size + " + " + (pad[0] + pad[1]) + " - " + kEff + ")/" +
               stride + ") + 1 = " + out);
    return lines.join("\n");
  }

  function explainConvTranspose(size, kernel, stride, padding, outputPadding, dilation) {
    var crop = convTransposeCrop(size, kernel, stride, padding, outputPadding, dilation);
    var offset = crop[0], out = crop[1];
    var kEff = effectiveKernel(kernel, dilation);
    var full = (size - 1) * stride + kEff;
    var mode = paddingMode(padding);
    var op = outputPadding;
    var lines = [
      "input H = " + size + ", kernel k = " + kernel + ", stride s = " + stride +
        ", dilation d = " + dilation,
      "effective kernel K = d(k-1)+1 = " + dilation + "*(" + kernel + "-1)+1 = " + kEff,
      "full scatter L = (H-1)s + K = (" + size + "-1)*" + stride + " + " + kEff +
        " = " + full
    ];
    if (mode === null) {
      lines.push("padding p = " + padding + " (PyTorch): o = L - 2p + " +
                 "output_padding = " + full + " - " + (2 * padding) + " + " +
                 (op || 0) + " = " + out);
    } else if (mode === "valid" && op === null) {
      lines.push("'valid' (Keras), output_padding None: o = H*s + max(K-s," +
                 " 0) = " + size + "*" + stride + " + " + Math.max(kEff - stride, 0) +
                 " = " + out);
    } else if (mode === "valid") {
      lines.push("'valid' (Keras): o = L + output_padding = " + full + " + " + op +
                 " = " + out);
    } else if (op === null) {
      lines.push("'same' (Keras), output_padding None: o = H*s = " + size + "*" +
                 stride + " = " + out);
    } else {
      lines.push("'same' (Keras): o = (H-1)s + K%2 + output_padding = " +
                 (full - kEff) + " + " + (kEff % 2) + " + " + op + " = " + out);
    }
    lines.push("output = full[" + offset + ":" + (offset + out) + "], size " + out);
    return lines.join("\n");
  }

  // resolve_padding2d's reading of the padding argument: one item per axis.
  function convPaddingPerAxis(padding) {
    if (typeof padding === "string" || !Array.isArray(padding)) return [padding, padding];
    if (padding.length === 2) return [padding[0], padding[1]];
    fail("padding must be an int, a pair (ph, pw), a pair of pairs " +
         "((top, bottom), (left, right)), 'valid' or 'same'; got " +
         shortRepr(padding));
  }

  // per_axis: an int, a string, None (allowNone) or a pair of those.
  function perAxis(value, name, allowNone) {
    var items;
    if (Array.isArray(value)) {
      if (value.length !== 2) {
        fail(name + " must be an int or a pair (vertical, horizontal), got " +
             shortRepr(value));
      }
      items = [value[0], value[1]];
    } else {
      items = [value, value];
    }
    return items.map(function (v) {
      if (typeof v === "string" || (v === null && allowNone)) return v;
      return checkInt(v, name, 0);
    });
  }

  function taps(start, k, d) {
    var out = [];
    for (var m = 0; m < k; m++) out.push(start + m * d);
    return out;
  }

  function computeConv(c) {
    var size = asPair(c.size, "in_size", 1), kernel = asPair(c.kernel, "kernel", 1);
    var stride = asPair(c.stride, "stride", 1), dil = asPair(c.dilation, "dilation", 1);
    var perAx = convPaddingPerAxis(c.padding);
    var pad = [0, 1].map(function (a) {
      return resolvePadding(perAx[a], size[a], kernel[a], stride[a], dil[a]);
    });
    var out = [0, 1].map(function (a) {
      return convOutputSize(size[a], kernel[a], stride[a], pad[a], dil[a]);
    });
    var explain = [0, 1].map(function (a) {
      return explainConv(size[a], kernel[a], stride[a], perAx[a], dil[a]);
    });
    var padded = [size[0] + pad[0][0] + pad[0][1], size[1] + pad[1][0] + pad[1][1]];
    var windows = [];
    for (var y = 0; y < out[0]; y++) {
      for (var x = 0; x < out[1]; x++) {
        var rows = taps(y * stride[0], kernel[0], dil[0]);
        var cols = taps(x * stride[1], kernel[1], dil[1]);
        var cells = [], inputs = [], onPadding = 0;
        rows.forEach(function (r) {
          cols.forEach(function (col) {
            cells.push([r, col]);
            var ir = r - pad[0][0], ic = col - pad[1][0];
            if (ir >= 0 && ir < size[0] && ic >= 0 && ic < size[1]) inputs.push([ir, ic]);
            else onPadding += 1;
          });
        });
        windows.push({output: [y, x], taps: cells, inputs: inputs, onPadding: onPadding});
      }
    }
    return {
      inShape: size, kernel: kernel, stride: stride, dilation: dil,
      padding: pad, paddedShape: padded, outShape: out, windows: windows,
      explain: explain, steps: windows.length
    };
  }

  function computeTranspose(c) {
    var size = asPair(c.size, "in_size", 1), kernel = asPair(c.kernel, "kernel", 1);
    var stride = asPair(c.stride, "stride", 1), dil = asPair(c.dilation, "dilation", 1);
    var pads = perAxis(c.padding, "padding", false);
    var ops = perAxis(c.output_padding === undefined ? null : c.output_padding,
                      "output_padding", true);
    var crops = [0, 1].map(function (a) {
      return convTransposeCrop(size[a], kernel[a], stride[a], pads[a], ops[a], dil[a]);
    });
    var explain = [0, 1].map(function (a) {
      return explainConvTranspose(size[a], kernel[a], stride[a], pads[a], ops[a], dil[a]);
    });
    var kEff = [0, 1].map(function (a) { return effectiveKernel(kernel[a], dil[a]); });
    var full = [0, 1].map(function (a) { return (size[a] - 1) * stride[a] + kEff[a]; });
    var offset = [crops[0][0], crops[1][0]], out = [crops[0][1], crops[1][1]];
    var scatters = [];
    for (var r = 0; r < size[0]; r++) {
      for (var col = 0; col < size[1]; col++) {
        var rows = taps(r * stride[0], kernel[0], dil[0]);
        var cols = taps(col * stride[1], kernel[1], dil[1]);
        var cells = [], outputs = [], cropped = 0;
        rows.forEach(function (fr) {
          cols.forEach(function (fc) {
            cells.push([fr, fc]);
            var y = fr - offset[0], x = fc - offset[1];
            if (y >= 0 && y < out[0] && x >= 0 && x < out[1]) outputs.push([y, x]);
            else cropped += 1;
          });
        });
        scatters.push({input: [r, col], taps: cells, outputs: outputs, cropped: cropped});
      }
    }
    return {
      inShape: size, kernel: kernel, stride: stride, dilation: dil,
      effectiveKernel: kEff, fullShape: full, offset: offset, outShape: out,
      scatters: scatters, explain: explain, steps: scatters.length
    };
  }

  var KERAS_STRIDED_DILATED = {
    conv: "Keras' Conv2D layer refuses strides > 1 together with " +
          "dilation_rate > 1 (tf.nn.conv2d and PyTorch accept it; the drawing " +
          "shows what they compute).",
    transpose: "Keras' Conv2DTranspose layer refuses strides > 1 together with " +
               "dilation_rate > 1 (PyTorch accepts it; the drawing shows what it " +
               "computes)."
  };

  /* compute(config) -> a plain object, never an exception.
   *
   * config: {op: "conv" | "transpose", size, kernel, stride, dilation (an int
   * or an [h, w] pair), padding (an int, "valid"/"same", or per axis a pair;
   * for "conv" each axis may also be a [before, after] pair), output_padding
   * ("transpose" only: null, an int or a pair)}.
   *
   * ok false: error holds the companion's ValueError/TypeError message.
   * refusal: a framework layer refuses a setting whose arithmetic is defined.
   */
  function compute(config) {
    var op = config && config.op;
    var result;
    try {
      if (op === "conv") result = computeConv(config);
      else if (op === "transpose") result = computeTranspose(config);
      else fail("op must be one of 'conv', 'transpose'; got " + shortRepr(op));
    } catch (err) {
      if (!(err instanceof CourseError)) throw err;
      return {op: op, ok: false, error: err.message, refusal: null};
    }
    result.op = op;
    result.ok = true;
    result.error = null;
    result.refusal = null;
    var keras = typeof config.padding === "string" ||
      (Array.isArray(config.padding) && config.padding.some(function (p) {
        return typeof p === "string";
      }));
    var stridedDilated = [0, 1].some(function (a) {
      return result.stride[a] > 1 && result.dilation[a] > 1;
    });
    if (keras && stridedDilated) result.refusal = KERAS_STRIDED_DILATED[op];
    return result;
  }

  // ------------------------------------------------------------------
  // The page: controls, drawing (SVG) and text, all from compute()
  // ------------------------------------------------------------------

  var LIMITS = {
    size: [1, 12, "input size"], kernel: [1, 6, "kernel size"],
    stride: [1, 4, "stride"], padding: [0, 6, "padding"],
    dilation: [1, 4, "dilation"], outputPadding: [0, 3, "output padding"]
  };

  // companion.viz.PALETTE, the colours of the book's figures
  var COLOURS = {
    input: "#9ecae1", padding: "#f0f0f0", footprint: "#08519c",
    output: "#a1d99b", pending: "#ffffff", current: "#238b45",
    cropped: "#d9d9d9", extra: "#ffffff", source: "#08519c"
  };

  var SVG_NS = "http://www.w3.org/2000/svg";
  var CELL = 24;
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function cellText(cells) {
    return cells.map(function (c) { return "(" + c[0] + ", " + c[1] + ")"; }).join(", ");
  }

  function numberField(id, key, value) {
    var lim = LIMITS[key];
    var wrap = el("div", {"class": "cx-field"});
    var label = el("label", {"for": id}, lim[2][0].toUpperCase() + lim[2].slice(1));
    var input = el("input", {
      id: id, type: "number", min: lim[0], max: lim[1], step: 1, value: value,
      inputmode: "numeric"
    });
    wrap.appendChild(label);
    wrap.appendChild(input);
    return {wrap: wrap, input: input};
  }

  function selectField(id, text, options, value) {
    var wrap = el("div", {"class": "cx-field"});
    wrap.appendChild(el("label", {"for": id}, text));
    var select = el("select", {id: id});
    options.forEach(function (o) {
      var opt = el("option", {value: o[0]}, o[1]);
      if (o[0] === value) opt.selected = true;
      select.appendChild(opt);
    });
    wrap.appendChild(select);
    return {wrap: wrap, input: select};
  }

  function radioGroup(name, legend, options, value) {
    var set = el("fieldset", {"class": "cx-radios"});
    set.appendChild(el("legend", {}, legend));
    var inputs = {};
    options.forEach(function (o) {
      var id = name + "-" + o[0];
      var input = el("input", {type: "radio", name: name, id: id, value: o[0]});
      if (o[0] === value) input.checked = true;
      var label = el("label", {"for": id}, o[1]);
      var span = el("span", {"class": "cx-radio"});
      span.appendChild(input);
      span.appendChild(label);
      set.appendChild(span);
      inputs[o[0]] = input;
    });
    return {wrap: set, inputs: inputs};
  }

  function checked(group) {
    var keys = Object.keys(group.inputs);
    for (var i = 0; i < keys.length; i++) {
      if (group.inputs[keys[i]].checked) return keys[i];
    }
    return keys[0];
  }

  // The reader's setting: {config, problem} (problem: a message, or null).
  function readSetting(ui) {
    var op = checked(ui.op), convention = checked(ui.convention);
    var values = {}, problem = null;
    ["size", "kernel", "stride", "dilation", "padding", "outputPadding"].forEach(
      function (key) {
        var lim = LIMITS[key];
        var raw = ui.fields[key].input.value.trim();
        var v = Number(raw);
        values[key] = v;
        var used = !(key === "padding" && convention === "keras") &&
                   !(key === "outputPadding" && (op === "conv" || convention === "keras"));
        if (!used || problem) return;
        if (raw === "" || !isInt(v)) {
          problem = "The " + lim[2] + " must be a whole number (got \u201c" + raw +
                    "\u201d).";
        } else if (v < lim[0] || v > lim[1]) {
          problem = "The " + lim[2] + " must be between " + lim[0] + " and " + lim[1] +
                    " here (the drawing has room for that much), got " + v + ".";
        }
      });
    var config = {op: op, size: values.size, kernel: values.kernel,
                  stride: values.stride, dilation: values.dilation};
    if (convention === "keras") {
      config.padding = ui.kerasPadding.input.value;
      var kop = ui.kerasOutputPadding.input.value;
      config.output_padding = kop === "none" ? null : Number(kop);
    } else {
      config.padding = values.padding;
      config.output_padding = values.outputPadding;
    }
    if (op === "conv") delete config.output_padding;
    return {config: config, convention: convention, problem: problem};
  }

  function callText(setting) {
    var c = setting.config;
    if (setting.convention === "torch") {
      if (c.op === "conv") {
        return "nn.Conv2d(1, 1, kernel_size=" + c.kernel + ", stride=" + c.stride +
               ", padding=" + c.padding + ", dilation=" + c.dilation + ")";
      }
      return "nn.ConvTranspose2d(1, 1, kernel_size=" + c.kernel + ", stride=" +
             c.stride + ", padding=" + c.padding + ", output_padding=" +
             c.output_padding + ", dilation=" + c.dilation + ")";
    }
    var layer = c.op === "conv" ? "layers.Conv2D" : "layers.Conv2DTranspose";
    var extra = c.op === "conv" ? "" : ", output_padding=" +
      (c.output_padding === null ? "None" : c.output_padding);
    return layer + "(1, " + c.kernel + ", strides=" + c.stride + ", padding=\"" +
           c.padding + "\"" + extra + ", dilation_rate=" + c.dilation + ")";
  }

  function rejectedBy(convention) {
    return convention === "torch" ? "PyTorch rejects" : "Keras and TensorFlow reject";
  }

  function build(root) {
    counter += 1;
    var pre = "cx" + counter;
    root.textContent = "";
    root.classList.add("cx-explorer");

    var ui = {fields: {}};
    var form = el("form", {"class": "cx-controls", "aria-label": "Convolution setting"});
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    ui.op = radioGroup(pre + "-op", "Operation", [
      ["conv", "Convolution"], ["transpose", "Transposed convolution"]], "conv");
    ui.convention = radioGroup(pre + "-conv", "Convention", [
      ["torch", "PyTorch (padding, output_padding)"],
      ["keras", "Keras / TensorFlow (\"valid\", \"same\")"]], "torch");
    form.appendChild(ui.op.wrap);
    form.appendChild(ui.convention.wrap);
    var grid = el("div", {"class": "cx-fields"});
    var defaults = {size: 5, kernel: 3, stride: 2, dilation: 1, padding: 1,
                    outputPadding: 0};
    ["size", "kernel", "stride", "dilation", "padding"].forEach(function (key) {
      ui.fields[key] = numberField(pre + "-" + key, key, defaults[key]);
      grid.appendChild(ui.fields[key].wrap);
    });
    ui.kerasPadding = selectField(pre + "-kpad", "Padding", [
      ["valid", "\"valid\""], ["same", "\"same\""]], "same");
    grid.appendChild(ui.kerasPadding.wrap);
    ui.fields.outputPadding = numberField(pre + "-op-pad", "outputPadding", 0);
    grid.appendChild(ui.fields.outputPadding.wrap);
    ui.kerasOutputPadding = selectField(pre + "-kop", "Output padding", [
      ["none", "None (default)"], ["0", "0"], ["1", "1"], ["2", "2"], ["3", "3"]],
      "none");
    grid.appendChild(ui.kerasOutputPadding.wrap);
    form.appendChild(grid);
    root.appendChild(form);

    var call = el("p", {"class": "cx-call"});
    root.appendChild(call);
    var message = el("div", {"class": "cx-message", role: "alert"});
    root.appendChild(message);
    var note = el("p", {"class": "cx-note", role: "status"});
    root.appendChild(note);
    var sizeLine = el("p", {"class": "cx-size", "aria-live": "polite"});
    root.appendChild(sizeLine);
    var formulaId = pre + "-formula";
    root.appendChild(el("p", {"class": "cx-formula-title", id: formulaId + "-title"},
                        "The output size, worked out along one axis (the explorer's " +
                        "input and kernel are square):"));
    var formula = el("pre", {"class": "cx-formula", id: formulaId,
                             "aria-labelledby": formulaId + "-title", tabindex: "0"});
    root.appendChild(formula);

    var stepper = el("div", {"class": "cx-stepper", role: "group",
                             "aria-label": "Step through the drawing"});
    var buttons = {};
    [["first", "First"], ["prev", "Previous"], ["play", "Play"],
     ["next", "Next"], ["last", "Last"]].forEach(function (b) {
      buttons[b[0]] = el("button", {type: "button", "class": "cx-button"}, b[1]);
      stepper.appendChild(buttons[b[0]]);
    });
    buttons.play.setAttribute("aria-pressed", "false");
    var sliderId = pre + "-step";
    var sliderWrap = el("span", {"class": "cx-slider"});
    sliderWrap.appendChild(el("label", {"for": sliderId}, "Step"));
    var slider = el("input", {id: sliderId, type: "range", min: 0, max: 0, step: 1,
                              value: 0});
    sliderWrap.appendChild(slider);
    var stepText = el("output", {"for": sliderId, "class": "cx-step-text"});
    sliderWrap.appendChild(stepText);
    stepper.appendChild(sliderWrap);
    root.appendChild(stepper);

    var status = el("p", {"class": "cx-status", "aria-live": "polite"});
    root.appendChild(status);
    var figure = el("div", {"class": "cx-figure"});
    root.appendChild(figure);
    var key = el("p", {"class": "cx-key"});
    root.appendChild(key);

    var state = {result: null, setting: null, step: 0, timer: null};

    function stopPlaying() {
      if (state.timer) clearInterval(state.timer);
      state.timer = null;
      buttons.play.textContent = "Play";
      buttons.play.setAttribute("aria-pressed", "false");
    }

    function showControls(setting) {
      var conv = setting.config.op === "conv";
      var keras = setting.convention === "keras";
      ui.fields.padding.wrap.hidden = keras;
      ui.kerasPadding.wrap.hidden = !keras;
      ui.fields.outputPadding.wrap.hidden = keras || conv;
      ui.kerasOutputPadding.wrap.hidden = !keras || conv;
    }

    function update() {
      stopPlaying();
      var setting = readSetting(ui);
      showControls(setting);
      state.setting = setting;
      call.textContent = "";
      message.textContent = "";
      note.textContent = "";
      root.classList.remove("cx-rejected");
      if (setting.problem) {
        state.result = null;
        message.textContent = setting.problem;
      } else {
        call.appendChild(el("code", {}, callText(setting)));
        var result = compute(setting.config);
        state.result = result;
        if (!result.ok) {
          message.textContent = rejectedBy(setting.convention) +
            " this setting: " + result.error + ".";
        } else if (result.refusal) {
          note.textContent = result.refusal;
        }
      }
      var res = state.result;
      if (!res || !res.ok) {
        root.classList.add("cx-rejected");
        sizeLine.textContent = "No output.";
        formula.textContent = "";
        slider.max = 0;
        slider.value = 0;
        slider.disabled = true;
        Object.keys(buttons).forEach(function (b) { buttons[b].disabled = true; });
        stepText.textContent = "";
        status.textContent = "";
        figure.textContent = "";
        key.textContent = "";
        return;
      }
      slider.disabled = false;
      Object.keys(buttons).forEach(function (b) { buttons[b].disabled = false; });
      var inS = res.inShape, outS = res.outShape;
      sizeLine.textContent = "Output size: " + outS[0] + " \u00d7 " + outS[1] +
        " (input " + inS[0] + " \u00d7 " + inS[1] + ").";
      formula.textContent = res.explain[0] +
        (res.explain[1] === res.explain[0] ? "" : "\n\nsecond axis:\n" + res.explain[1]);
      slider.max = res.steps - 1;
      state.step = Math.min(state.step, res.steps - 1);
      key.textContent = res.op === "conv" ?
        "Blue: input. Light grey, dashed: zero padding. Dark: the cells under the " +
        "kernel's taps at this step (a dashed frame shows its span). Right: the " +
        "output; green cells are done, dark green is the one computed now." :
        "Left: the input; the dark cell is scattered at this step. Right: the full " +
        "scatter; each number counts the products added to that cell so far. The " +
        "thick frame is the output: grey cells outside it are cropped away, dashed " +
        "white cells inside it lie past the scatter and stay zero.";
      show(state.step);
    }

    function show(step) {
      var res = state.result;
      if (!res || !res.ok) return;
      state.step = Math.max(0, Math.min(step, res.steps - 1));
      slider.value = state.step;
      stepText.textContent = (state.step + 1) + " of " + res.steps;
      figure.textContent = "";
      var drawing = res.op === "conv" ? drawConv(res, state.step) :
        drawScatter(res, state.step);
      figure.appendChild(drawing.svg);
      status.textContent = drawing.description;
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    slider.addEventListener("input", function () {
      stopPlaying();
      show(Number(slider.value));
    });
    buttons.first.addEventListener("click", function () { stopPlaying(); show(0); });
    buttons.prev.addEventListener("click", function () {
      stopPlaying();
      show(state.step - 1);
    });
    buttons.next.addEventListener("click", function () {
      stopPlaying();
      show(state.step + 1);
    });
    buttons.last.addEventListener("click", function () {
      stopPlaying();
      show(Infinity);
    });
    buttons.play.addEventListener("click", function () {
      if (state.timer) {
        stopPlaying();
        return;
      }
      var res = state.result;
      if (!res || !res.ok) return;
      if (state.step >= res.steps - 1) show(0);
      buttons.play.textContent = "Pause";
      buttons.play.setAttribute("aria-pressed", "true");
      state.timer = setInterval(function () {
        if (state.step >= state.result.steps - 1) stopPlaying();
        else show(state.step + 1);
      }, 700);
    });
    update();
    root.convExplorer = {update: update, show: show, state: state, ui: ui};
    return root;
  }

  // ------------------------------------------------------------------ SVG

  function grid(group, x0, y0, rows, cols, role) {
    for (var r = 0; r < rows; r++) {
      for (var c = 0; c < cols; c++) {
        var kind = role(r, c);
        group.appendChild(svgEl("rect", {
          x: x0 + c * CELL, y: y0 + r * CELL, width: CELL, height: CELL,
          fill: COLOURS[kind], stroke: "#555555", "stroke-width": 1,
          "stroke-dasharray": kind === "padding" || kind === "extra" ? "3 2" : "none",
          "data-role": kind, "data-cell": r + "," + c
        }));
      }
    }
  }

  function overlay(group, x0, y0, cells, role) {
    cells.forEach(function (rc) {
      group.appendChild(svgEl("rect", {
        x: x0 + rc[1] * CELL + 1, y: y0 + rc[0] * CELL + 1,
        width: CELL - 2, height: CELL - 2, fill: COLOURS[role], "fill-opacity": 0.6,
        "data-role": role, "data-cell": rc[0] + "," + rc[1]
      }));
    });
  }

  function frame(group, x0, y0, r0, c0, rows, cols, dashed) {
    group.appendChild(svgEl("rect", {
      x: x0 + c0 * CELL, y: y0 + r0 * CELL, width: cols * CELL, height: rows * CELL,
      fill: "none", stroke: "#000000", "stroke-width": 3,
      "stroke-dasharray": dashed ? "6 3" : "none"
    }));
  }

  // room for a caption at font size 14 (generous: about 8.5 units a character)
  function captionWidth(text) {
    return Math.ceil(text.length * 8.5);
  }

  function caption(group, x, y, text) {
    group.appendChild(svgEl("text", {x: x, y: y, "font-size": 14, fill: "#000000"},
                            text));
  }

  function newSvg(width, height, labelText) {
    var svg = svgEl("svg", {
      viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": labelText,
      "class": "cx-svg", preserveAspectRatio: "xMinYMin meet"
    });
    svg.style.maxWidth = Math.round(Math.max(width, 240) * 1.6) + "px";
    return svg;
  }

  function drawConv(res, step) {
    var win = res.windows[step];
    var ph = res.paddedShape[0], pw = res.paddedShape[1];
    var oh = res.outShape[0], ow = res.outShape[1];
    var top = res.padding[0][0], left = res.padding[1][0];
    var h = res.inShape[0], w = res.inShape[1];
    var left1 = "padded input " + ph + " \u00d7 " + pw;
    var right1 = "output " + oh + " \u00d7 " + ow;
    var gap = 2 * CELL, x1 = 4, y0 = 24;
    var x2 = x1 + Math.max(pw * CELL, captionWidth(left1)) + gap;
    var width = x2 + Math.max(ow * CELL, captionWidth(right1)) + 4;
    var height = y0 + Math.max(ph, oh) * CELL + 4;
    var description = "Output (" + win.output[0] + ", " + win.output[1] + ") reads " +
      win.inputs.length + " input cell" + (win.inputs.length === 1 ? "" : "s") +
      (win.inputs.length ? ": " + cellText(win.inputs) : "") +
      (win.onPadding ? "; " + win.onPadding + " of the kernel's " + win.taps.length +
       " taps fall on zero padding." : ".");
    var svg = newSvg(width, height, "Padded input with the kernel window of step " +
                     (step + 1) + ", and the output. " + description);
    var g = svgEl("g", {});
    caption(g, x1, 16, left1);
    caption(g, x2, 16, right1);
    grid(g, x1, y0, ph, pw, function (r, c) {
      return r >= top && r < top + h && c >= left && c < left + w ? "input" : "padding";
    });
    overlay(g, x1, y0, win.taps, "footprint");
    var rows = win.taps.map(function (t) { return t[0]; });
    var cols = win.taps.map(function (t) { return t[1]; });
    var r0 = Math.min.apply(null, rows), c0 = Math.min.apply(null, cols);
    frame(g, x1, y0, r0, c0, Math.max.apply(null, rows) - r0 + 1,
          Math.max.apply(null, cols) - c0 + 1, true);
    grid(g, x2, y0, oh, ow, function (r, c) {
      var flat = r * ow + c;
      return flat < step ? "output" : flat === step ? "current" : "pending";
    });
    svg.appendChild(g);
    return {svg: svg, description: description};
  }

  function drawScatter(res, step) {
    var sc = res.scatters[step];
    var h = res.inShape[0], w = res.inShape[1];
    var oh = res.outShape[0], ow = res.outShape[1];
    var off = res.offset, full = res.fullShape;
    var rows = Math.max(full[0], off[0] + oh), cols = Math.max(full[1], off[1] + ow);
    var left1 = "input " + h + " \u00d7 " + w;
    var right1 = "scatter " + full[0] + " \u00d7 " + full[1] + ", output " + oh +
      " \u00d7 " + ow;
    var gap = 2 * CELL, x1 = 4, y0 = 24;
    var x2 = x1 + Math.max(w * CELL, captionWidth(left1)) + gap;
    var width = x2 + Math.max(cols * CELL, captionWidth(right1)) + 4;
    var height = y0 + Math.max(h, rows) * CELL + 4;
    var counts = [];
    for (var r = 0; r < rows; r++) {
      counts.push([]);
      for (var c = 0; c < cols; c++) counts[r].push(0);
    }
    for (var s = 0; s <= step; s++) {
      res.scatters[s].taps.forEach(function (t) { counts[t[0]][t[1]] += 1; });
    }
    var n = sc.taps.length, kept = sc.outputs.length;
    var description = "Input (" + sc.input[0] + ", " + sc.input[1] + ") is " +
      "multiplied by each of the " + n + " kernel weight" + (n === 1 ? "" : "s") +
      ": " + (kept === 0 ? "no product lands in the output" :
        kept + (kept === 1 ? " product is added to output cell " :
                " products are added to output cells ") + cellText(sc.outputs)) +
      (sc.cropped === 0 ? "." : "; " + sc.cropped + (sc.cropped === 1 ?
        " lands outside the output and is cropped." :
        " land outside the output and are cropped."));
    var svg = newSvg(width, height, "Input with the cell scattered at step " +
                     (step + 1) + ", and the full scatter with the output frame. " +
                     description);
    var g = svgEl("g", {});
    caption(g, x1, 16, left1);
    caption(g, x2, 16, right1);
    grid(g, x1, y0, h, w, function (r, c) {
      return r === sc.input[0] && c === sc.input[1] ? "source" : "input";
    });
    grid(g, x2, y0, rows, cols, function (r, c) {
      var inside = r >= off[0] && r < off[0] + oh && c >= off[1] && c < off[1] + ow;
      if (!inside) return "cropped";
      if (r >= full[0] || c >= full[1]) return "extra";
      return counts[r][c] > 0 ? "output" : "pending";
    });
    overlay(g, x2, y0, sc.taps, "footprint");
    for (var rr = 0; rr < rows; rr++) {
      for (var cc = 0; cc < cols; cc++) {
        if (!counts[rr][cc] || CELL < 14) continue;
        var hit = sc.taps.some(function (t) { return t[0] === rr && t[1] === cc; });
        g.appendChild(svgEl("text", {
          x: x2 + cc * CELL + CELL / 2, y: y0 + rr * CELL + CELL / 2 + 5,
          "text-anchor": "middle", "font-size": 13,
          fill: hit ? "#ffffff" : "#000000", "aria-hidden": "true"
        }, String(counts[rr][cc])));
      }
    }
    frame(g, x2, y0, off[0], off[1], oh, ow, false);
    svg.appendChild(g);
    return {svg: svg, description: description};
  }

  function mountAll() {
    var nodes = document.querySelectorAll("[data-conv-explorer]");
    for (var i = 0; i < nodes.length; i++) {
      if (!nodes[i].convExplorer) build(nodes[i]);
    }
  }

  window.convExplorer = {
    compute: compute,
    mount: build,
    limits: LIMITS
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
