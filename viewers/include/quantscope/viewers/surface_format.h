#pragma once

namespace qs::viewers {

/// Requests the OpenGL 3.2 core profile (depth 24, stencil 8, no multisampling) VTK's OpenGL2
/// backend needs, as the default QSurfaceFormat. Call before constructing QApplication.
void setDefaultSurfaceFormat();

}  // namespace qs::viewers
