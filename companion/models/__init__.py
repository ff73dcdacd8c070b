"""Model builders used by the chapters: Keras and PyTorch twins of each network,
and NumPy forward passes built from the companion's reference operations.

One module per network (``lenet``, ``superres``, ``vgg``, ``inpainting``). The
frameworks are imported inside the functions that need them, so importing this
package does not import TensorFlow or PyTorch.
"""
