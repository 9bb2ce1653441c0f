#pragma once
// The VTK side of VtkHostWidget (internal to viewers/; includes VTK).

#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>

namespace qs::viewers {

struct VtkHostImpl {
    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window;
    vtkSmartPointer<vtkRenderer> renderer;
    bool initialized = false;
};

}  // namespace qs::viewers
