#pragma once
// A camera as plain numbers, so views can be linked through signals without VTK types.

#include <array>

namespace qs::viewers {

struct CameraState {
    std::array<double, 3> position{0, 0, 1};
    std::array<double, 3> focalPoint{0, 0, 0};
    std::array<double, 3> viewUp{0, 1, 0};
    double viewAngle = 30.0;        ///< degrees (perspective)
    bool parallel = false;          ///< orthographic (bird's-eye preset)
    double parallelScale = 1.0;     ///< half the view height in world units (parallel)

    bool operator==(const CameraState&) const = default;
};

}  // namespace qs::viewers
