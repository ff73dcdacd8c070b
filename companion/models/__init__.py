"""Model builders used by the chapters: Keras and PyTorch twins of each network,
and NumPy forward passes built from the companion's reference operations.

One package per network: ``lenet`` (chapter 1), ``superres`` (chapter 2),
``deconvnet`` (chapter 3), ``vgg`` (chapter 4), ``inpainting`` (chapter 5),
and ``training``, shared by all of them. The frameworks are imported inside
the functions that need them (or by modules loaded on first use), so
importing this package does not import TensorFlow or PyTorch.

One vocabulary, the same in every network package:

- ``build_keras(...)`` and ``build_torch(...)``: the network in each
  framework, options as keyword arguments with the same names in both.
  PyTorch modules and Keras layers are classes defined at module level.
- ``parameter_count(...)``, ``layer_table(...)``, ``format_table(rows)``:
  the architecture's arithmetic, where a network has it.
- ``forward_numpy(x, weights, **options)``: the network run with companion
  operations; ``x`` first (an NHWC NumPy batch), then the weights.
- Weights are a dict ``{layer_name: (kernel, bias)}`` of NumPy arrays in the
  channels-last Keras layout: convolution kernels ``(kh, kw, c_in, c_out)``,
  transposed kernels ``(kh, kw, c_out, c_in)``, dense kernels
  ``(n_in, n_out)`` (rows after a flatten in Keras' ``(h, w, c)`` order).
  ``export_weights(model)`` reads them from a Keras model or a PyTorch module
  of the network, ``load_weights(model, weights)`` writes them into either,
  and ``copy_weights(src, dst)`` is ``load_weights(dst,
  export_weights(src))``, in any direction.
- :mod:`companion.models.training`: ``framework_of(model)`` (``"keras"`` or
  ``"torch"``), ``count_params(model)``, ``predict_torch(model, x)`` (NHWC
  NumPy in and out), ``fit_keras`` and ``fit_torch`` (the course's seeding
  and progress lines; a history dict back). A network's own recipe, such as
  LeNet's moving average of the weights, is a thin wrapper of the same name
  in its package.
- Data layouts between NumPy and PyTorch: :func:`companion.layouts.to_torch`
  and :func:`companion.layouts.from_torch`; image scores:
  :mod:`companion.metrics`.
"""
