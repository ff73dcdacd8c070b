"""Document the companion without importing TensorFlow or PyTorch.

The site builds from requirements-book.txt, without the frameworks. Sphinx's
``autodoc_mock_imports`` (``_config.yml``) stands in for them, but only while
autodoc imports a module. ``companion.models.vgg`` loads ``build_keras``,
``LayerNet`` and the other names of its framework modules on first access
(its module ``__getattr__``), which autodoc does later, when it lists the
module's members; and for a class such as ``LayerNet(nn.Module)`` it reads the
source of each base class's module (``torch.nn``). This ``automodule`` runs
all of that under the stand-ins, so the API page documents those names whether
or not the frameworks are installed, is the same page in both cases, and the
build never imports TensorFlow (whose start-up log would read as a warning).

A class whose base is a stand-in would show the stand-in's
``__new__(*args, **kwargs)`` as its signature; autodoc is told to skip that
``__new__``, as it skips ``typing.Generic.__new__``, so the class's own
``__init__`` gives the signature, as it does with PyTorch installed.
"""

from __future__ import annotations

from sphinx.ext import autodoc
from sphinx.ext.autodoc import ModuleDocumenter
from sphinx.ext.autodoc.mock import _MockObject, mock

_MOCK_NEW = f"{_MockObject.__module__}.{_MockObject.__new__.__qualname__}"


class LazyModuleDocumenter(ModuleDocumenter):
    """``automodule`` that runs entirely under ``autodoc_mock_imports``."""

    def generate(self, *args, **kwargs):
        with mock(self.config.autodoc_mock_imports):
            return super().generate(*args, **kwargs)


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.add_autodocumenter(LazyModuleDocumenter, override=True)
    if _MOCK_NEW not in autodoc._CLASS_NEW_BLACKLIST:
        autodoc._CLASS_NEW_BLACKLIST.append(_MOCK_NEW)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
