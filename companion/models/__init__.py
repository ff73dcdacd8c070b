"""Model builders used by the chapters: Keras and PyTorch twins of each network,
and NumPy forward passes built from the companion's reference operations.

One package per network: ``lenet`` (chapter 1), ``superres`` (chapter 2),
``deconvnet`` (chapter 3), ``vgg`` (chapter 4), ``inpainting`` (chapter 5),
and ``training``, shared by all of them. The frameworks are imported inside
the functions that need them (or by modules loaded on first use), so
importing this package does not import TensorFlow or PyTorch.

One vocabulary, the same in every network package:

- Modules ``arch`` (the architecture as data), ``keras_model``,
  ``torch_model``, ``numpy_model`` and ``weights`` in every package
  (``fit`` where a network has its own recipe).
- ``build_keras(...)`` and ``build_torch(...)``: the network in each
  framework, with the same arguments and defaults in both. PyTorch modules,
  Keras layers and Keras callbacks are classes defined at module level.
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
  and progress lines). Every fit, shared or a network's own, takes
  ``verbose`` and ``log`` (a callable that receives each progress line,
  ``print`` by default) and returns the same history dict: ``loss`` (and
  the metrics that apply), ``progress`` (the ``(step, loss)`` of every
  progress line) and ``seconds``. PyTorch fits take ``device`` (the
  chapters pass ``course_device()``). A network's own recipe, such as
  LeNet's moving average of the weights, is a thin wrapper of the same name
  in its package.
- Data layouts between NumPy and PyTorch: :func:`companion.layouts.to_torch`
  and :func:`companion.layouts.from_torch`; image scores:
  :mod:`companion.metrics`.
"""
