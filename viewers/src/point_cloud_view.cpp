// PointCloudView: the VTK scene (points + LUT + colour bar, box wireframes, score labels) and
// box picking by ray casting.
#include "quantscope/viewers/point_cloud_view.h"

#include "scene_geometry.h"
#include "vtk_host_impl.h"

#include <vtkActor.h>
#include <vtkCoordinate.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkIdTypeArray.h>
#include <vtkLookupTable.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkScalarBarActor.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>

namespace qs::viewers {

namespace {

constexpr int kSets = 3;
// OpenPCDet's convention (shared/FORMATS.md §4.1): GT blue, predictions green; B red. The blue
// is lightened so it reads on black.
constexpr double kSetColor[kSets][3] = {{0.25, 0.45, 1.0}, {0.1, 1.0, 0.1}, {1.0, 0.2, 0.2}};

struct BoxLayer {
    std::vector<qs::Box3D> boxes;
    vtkSmartPointer<vtkPolyData> lines = vtkSmartPointer<vtkPolyData>::New();
    vtkSmartPointer<vtkActor> actor = vtkSmartPointer<vtkActor>::New();
    std::vector<vtkSmartPointer<vtkTextActor>> labels;
    bool visible = true;
};

const char* colorTitle(ColorMode m)
{
    switch (m) {
        case ColorMode::Intensity: return "intensity";
        case ColorMode::Height: return "height (m)";
        case ColorMode::Distance: return "range (m)";
        case ColorMode::Solid: return "";
    }
    return "";
}

}  // namespace

struct PointCloudViewImpl {
    qs::PointCloud cloud;
    vtkSmartPointer<vtkPolyData> points = vtkSmartPointer<vtkPolyData>::New();
    vtkSmartPointer<vtkPolyDataMapper> pointMapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    vtkSmartPointer<vtkActor> pointActor = vtkSmartPointer<vtkActor>::New();
    vtkSmartPointer<vtkLookupTable> lut = vtkSmartPointer<vtkLookupTable>::New();
    vtkSmartPointer<vtkScalarBarActor> colorBar = vtkSmartPointer<vtkScalarBarActor>::New();
    BoxLayer layers[kSets];
    std::vector<qs::BoxMatch> matches[kSets];   // detections A/B vs GT
    std::vector<int> gtMatchedBy[kSets];        // GT matched by A (index 1) / B (index 2)
    ColorMode mode = ColorMode::Intensity;
    bool scoresVisible = true;
    bool colorBarVisible = true;
    std::array<double, 6> frame{-40, 70, -40, 40, -3, 3};  // robust x, y, z bounds for presets
};

PointCloudView::PointCloudView(QWidget* parent) : VtkHostWidget(parent), m_view(std::make_unique<PointCloudViewImpl>())
{
    auto& v = *m_view;
    vtkRenderer* r = host().renderer;
    v.pointMapper->SetInputData(v.points);
    v.pointMapper->SetLookupTable(v.lut);
    v.pointMapper->SetColorModeToMapScalars();
    v.pointActor->SetMapper(v.pointMapper);
    v.pointActor->GetProperty()->SetPointSize(1.0);
    v.pointActor->GetProperty()->SetColor(0.9, 0.9, 0.9);
    r->AddActor(v.pointActor);
    v.colorBar->SetLookupTable(v.lut);
    v.colorBar->SetNumberOfLabels(3);
    v.colorBar->SetMaximumWidthInPixels(70);
    v.colorBar->SetPosition(0.86, 0.08);
    v.colorBar->SetWidth(0.12);
    v.colorBar->SetHeight(0.84);
    v.colorBar->SetTextPositionToPrecedeScalarBar();
    v.colorBar->SetLabelFormat("%.3g");
    v.colorBar->GetTitleTextProperty()->SetFontSize(11);
    v.colorBar->GetLabelTextProperty()->SetFontSize(10);
    v.colorBar->UnconstrainedFontSizeOn();
    r->AddActor2D(v.colorBar);
    for (int s = 0; s < kSets; ++s) {
        auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
        mapper->SetInputData(v.layers[s].lines);
        v.layers[s].actor->SetMapper(mapper);
        v.layers[s].actor->GetProperty()->SetColor(kSetColor[s][0], kSetColor[s][1], kSetColor[s][2]);
        v.layers[s].actor->GetProperty()->SetLineWidth(2.0);
        v.layers[s].actor->GetProperty()->LightingOff();
        r->AddActor(v.layers[s].actor);
    }
    setColorMode(ColorMode::Intensity);
    showPerspectiveView();
    connect(this, &VtkHostWidget::clicked, this, [this](QPoint p) {
        if (const auto picked = pickBox(p)) Q_EMIT boxPicked(*picked);
    });
}

PointCloudView::~PointCloudView() = default;

void PointCloudView::setPointCloud(const qs::PointCloud& cloud)
{
    auto& v = *m_view;
    v.cloud = cloud;
    const std::size_t n = cloud.size();
    auto coords = vtkSmartPointer<vtkFloatArray>::New();
    coords->SetNumberOfComponents(3);
    coords->SetNumberOfTuples(static_cast<vtkIdType>(n));
    float* c = coords->GetPointer(0);
    vtkIdType kept = 0;
    auto conn = vtkSmartPointer<vtkIdTypeArray>::New();
    conn->SetNumberOfTuples(static_cast<vtkIdType>(n));
    for (std::size_t i = 0; i < n; ++i) {
        c[3 * i] = cloud.x[i];
        c[3 * i + 1] = cloud.y[i];
        c[3 * i + 2] = cloud.z[i];
        // Organised clouds mark missing returns with NaN: keep them out of the cell.
        if (std::isfinite(cloud.x[i]) && std::isfinite(cloud.y[i]) && std::isfinite(cloud.z[i]))
            conn->SetValue(kept++, static_cast<vtkIdType>(i));
    }
    conn->Resize(kept);
    conn->SetNumberOfTuples(kept);
    auto pts = vtkSmartPointer<vtkPoints>::New();
    pts->SetData(coords);
    // One poly-vertex cell holding every finite point: cheap to build, drawn as GL points.
    auto offsets = vtkSmartPointer<vtkIdTypeArray>::New();
    offsets->SetNumberOfTuples(2);
    offsets->SetValue(0, 0);
    offsets->SetValue(1, kept);
    auto verts = vtkSmartPointer<vtkCellArray>::New();
    verts->SetData(offsets, conn);
    v.points->SetPoints(pts);
    v.points->SetVerts(verts);
    // Frame the presets on the central 98 % of the points.
    const auto rx = robustRange(cloud.x), ry = robustRange(cloud.y), rz = robustRange(cloud.z);
    v.frame = {rx.first, rx.second, ry.first, ry.second, rz.first, rz.second};
    setColorMode(v.mode);
    rebuildBoxes(BoxSet::GroundTruth);
    rebuildBoxes(BoxSet::DetectionsA);
    rebuildBoxes(BoxSet::DetectionsB);
    update();
}

std::size_t PointCloudView::drawnPointCount() const
{
    vtkCellArray* verts = m_view->points->GetVerts();
    return verts ? static_cast<std::size_t>(verts->GetNumberOfConnectivityIds()) : 0;
}

void PointCloudView::setColorMode(ColorMode mode)
{
    auto& v = *m_view;
    v.mode = mode;
    if (mode == ColorMode::Solid || v.cloud.empty()) {
        v.pointMapper->ScalarVisibilityOff();
        v.colorBar->SetVisibility(false);
        update();
        return;
    }
    const auto values = colorValues(v.cloud, mode);
    auto scalars = vtkSmartPointer<vtkFloatArray>::New();
    scalars->SetName(colorTitle(mode));
    scalars->SetNumberOfTuples(static_cast<vtkIdType>(values.size()));
    std::copy(values.begin(), values.end(), scalars->GetPointer(0));
    v.points->GetPointData()->SetScalars(scalars);
    const auto [lo, hi] = robustRange(values);
    if (mode == ColorMode::Intensity) {
        // Grey to white: the OpenPCDet look (white points), with reflectance still readable.
        v.lut->SetHueRange(0.6, 0.6);
        v.lut->SetSaturationRange(0.25, 0.0);
        v.lut->SetValueRange(0.45, 1.0);
    } else {
        v.lut->SetHueRange(0.667, 0.0);  // blue (low) to red (high)
        v.lut->SetSaturationRange(1.0, 1.0);
        v.lut->SetValueRange(1.0, 1.0);
    }
    v.lut->SetTableRange(lo, hi);
    v.lut->ForceBuild();
    v.pointMapper->SetScalarRange(lo, hi);
    v.pointMapper->ScalarVisibilityOn();
    v.colorBar->SetTitle(colorTitle(mode));
    v.colorBar->SetVisibility(v.colorBarVisible);
    v.points->Modified();
    update();
}

ColorMode PointCloudView::colorMode() const { return m_view->mode; }

void PointCloudView::setPointSize(double pixels)
{
    m_view->pointActor->GetProperty()->SetPointSize(static_cast<float>(std::clamp(pixels, 1.0, 10.0)));
    update();
}

void PointCloudView::setBoxes(BoxSet set, const std::vector<qs::Box3D>& boxes)
{
    m_view->layers[static_cast<int>(set)].boxes = boxes;
    recomputeMatches();
    rebuildBoxes(set);
    update();
}

const std::vector<qs::Box3D>& PointCloudView::boxes(BoxSet set) const { return m_view->layers[static_cast<int>(set)].boxes; }

void PointCloudView::clearBoxes()
{
    for (BoxSet s : {BoxSet::GroundTruth, BoxSet::DetectionsA, BoxSet::DetectionsB}) setBoxes(s, {});
}

void PointCloudView::setBoxSetVisible(BoxSet set, bool visible)
{
    auto& layer = m_view->layers[static_cast<int>(set)];
    layer.visible = visible;
    layer.actor->SetVisibility(visible);
    for (auto& l : layer.labels) l->SetVisibility(visible && m_view->scoresVisible);
    update();
}

bool PointCloudView::isBoxSetVisible(BoxSet set) const { return m_view->layers[static_cast<int>(set)].visible; }

void PointCloudView::setScoreLabelsVisible(bool visible)
{
    m_view->scoresVisible = visible;
    for (auto& layer : m_view->layers)
        for (auto& l : layer.labels) l->SetVisibility(visible && layer.visible);
    update();
}

void PointCloudView::setColorBarVisible(bool visible)
{
    m_view->colorBarVisible = visible;
    m_view->colorBar->SetVisibility(visible && m_view->mode != ColorMode::Solid && !m_view->cloud.empty());
    update();
}

void PointCloudView::rebuildBoxes(BoxSet set)
{
    auto& v = *m_view;
    auto& layer = v.layers[static_cast<int>(set)];
    const auto& o = v.cloud.origin;
    auto pts = vtkSmartPointer<vtkPoints>::New();
    auto lines = vtkSmartPointer<vtkCellArray>::New();
    for (auto& l : layer.labels) host().renderer->RemoveViewProp(l);
    layer.labels.clear();
    for (const qs::Box3D& world : layer.boxes) {
        qs::Box3D b = world;  // into the cloud's local frame
        b.x -= static_cast<float>(o[0]), b.y -= static_cast<float>(o[1]), b.z -= static_cast<float>(o[2]);
        const vtkIdType base = pts->GetNumberOfPoints();
        for (const auto& c : b.corners()) pts->InsertNextPoint(c[0], c[1], c[2]);
        for (const auto& [a, e] : boxEdges()) {
            const vtkIdType ids[2] = {base + a, base + e};
            lines->InsertNextCell(2, ids);
        }
        const auto h = headingSegment(b);
        const vtkIdType ids[2] = {pts->InsertNextPoint(h[0][0], h[0][1], h[0][2]),
                                  pts->InsertNextPoint(h[1][0], h[1][1], h[1][2])};
        lines->InsertNextCell(2, ids);
        if (set != BoxSet::GroundTruth) {
            // A 2D text actor anchored at a world point: its texture is rendered once, each
            // frame only moves a quad (billboard 3D text re-rasterised per frame: 5x slower).
            auto label = vtkSmartPointer<vtkTextActor>::New();
            char text[16];
            std::snprintf(text, sizeof text, "%.2f", static_cast<double>(b.score));
            label->SetInput(text);
            label->GetPositionCoordinate()->SetCoordinateSystemToWorld();
            label->GetPositionCoordinate()->SetValue(b.x, b.y, b.z + 0.5 * b.dz + 0.3);
            label->GetTextProperty()->SetFontSize(12);
            const double* c = kSetColor[static_cast<int>(set)];
            label->GetTextProperty()->SetColor(c[0], c[1], c[2]);
            label->GetTextProperty()->SetJustificationToCentered();
            label->GetTextProperty()->SetVerticalJustificationToBottom();
            label->SetVisibility(layer.visible && v.scoresVisible);
            host().renderer->AddActor2D(label);
            layer.labels.push_back(label);
        }
    }
    layer.lines->SetPoints(pts);
    layer.lines->SetLines(lines);
    layer.lines->Modified();
}

void PointCloudView::recomputeMatches()
{
    auto& v = *m_view;
    const auto& gt = v.layers[0].boxes;
    for (int s = 1; s < kSets; ++s)
        v.matches[s] = qs::matchBoxes(gt, v.layers[s].boxes, qs::EvalSettings{}, &v.gtMatchedBy[s]);
}

void PointCloudView::showPerspectiveView()
{
    const auto& f = m_view->frame;
    const double cx = 0.5 * (f[0] + f[1]), cy = 0.5 * (f[2] + f[3]);
    const double r = 0.5 * std::max(f[1] - f[0], f[3] - f[2]);
    // Look forward (+x) at the front half of the cloud from behind and above: for a driving
    // scan the ego vehicle sits near the bottom of the view and the road ahead fills it.
    const double fx = cx + 0.25 * r;
    CameraState s;
    s.focalPoint = {fx, cy, f[4]};
    s.position = {fx - 0.6 * r, cy, f[4] + 0.45 * r};
    s.viewUp = {0, 0, 1};
    s.viewAngle = 40;
    s.parallel = false;
    setCameraState(s);
    Q_EMIT cameraChanged(cameraState());
}

void PointCloudView::showBirdsEyeView()
{
    const auto& f = m_view->frame;
    const double cx = 0.5 * (f[0] + f[1]), cy = 0.5 * (f[2] + f[3]);
    CameraState s;
    s.focalPoint = {cx, cy, f[4]};
    s.position = {cx, cy, f[5] + 200.0};
    s.viewUp = {1, 0, 0};  // +x (forward) up on screen
    s.parallel = true;
    const double aspect = height() > 0 ? static_cast<double>(width()) / height() : 4.0 / 3.0;
    s.parallelScale = 0.55 * std::max(f[1] - f[0], (f[3] - f[2]) / aspect);
    setCameraState(s);
    Q_EMIT cameraChanged(cameraState());
}

std::optional<PickedBox> PointCloudView::pickBox(QPoint position) const
{
    const auto& v = *m_view;
    vtkRenderer* r = const_cast<VtkHostImpl&>(host()).renderer;
    const double dpr = devicePixelRatioF();
    const double dx = position.x() * dpr, dy = (height() - position.y()) * dpr;
    Vec3 ends[2];
    for (int k = 0; k < 2; ++k) {
        r->SetDisplayPoint(dx, dy, k);
        r->DisplayToWorld();
        double w[4];
        r->GetWorldPoint(w);
        if (w[3] == 0) return std::nullopt;
        ends[k] = {w[0] / w[3], w[1] / w[3], w[2] / w[3]};
    }
    const Vec3 dir{ends[1][0] - ends[0][0], ends[1][1] - ends[0][1], ends[1][2] - ends[0][2]};
    std::optional<PickedBox> best;
    double bestT = 1e300;
    const auto& o = v.cloud.origin;
    for (int s = 0; s < kSets; ++s) {
        const auto& layer = v.layers[s];
        if (!layer.visible) continue;
        for (std::size_t i = 0; i < layer.boxes.size(); ++i) {
            qs::Box3D b = layer.boxes[i];
            b.x -= static_cast<float>(o[0]), b.y -= static_cast<float>(o[1]), b.z -= static_cast<float>(o[2]);
            const auto t = rayHitsBox(ends[0], dir, b);
            if (!t || *t >= bestT) continue;
            bestT = *t;
            PickedBox p;
            p.set = static_cast<BoxSet>(s);
            p.index = static_cast<int>(i);
            p.box = layer.boxes[i];
            if (s > 0 && i < v.matches[s].size()) p.match = v.matches[s][i];
            if (s == 0) {
                // Report the detection set this view shows (A first).
                for (int d : {1, 2}) {
                    if (v.layers[d].boxes.empty() || i >= v.gtMatchedBy[d].size()) continue;
                    p.matchedBy = v.gtMatchedBy[d][i];
                    p.matchedBySet = static_cast<BoxSet>(d);
                    if (p.matchedBy >= 0) {
                        p.match = v.matches[d][static_cast<std::size_t>(p.matchedBy)];
                        p.match.gtIndex = static_cast<int>(i);
                    }
                    break;
                }
            }
            best = p;
        }
    }
    return best;
}

}  // namespace qs::viewers
