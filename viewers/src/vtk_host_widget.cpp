// Hosting VTK in a Qt 6 QOpenGLWidget (shared/DESIGN.md, "Known platform facts"): VTK renders
// with Qt's context into Qt's framebuffer; Debian's VTK Qt module (Qt 5) is not used.
#include "quantscope/viewers/vtk_host_widget.h"

#include "quantscope/viewers/surface_format.h"
#include "vtk_host_impl.h"

#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QSurfaceFormat>
#include <QWheelEvent>

#include <vtkCamera.h>
#include <vtkOpenGLRenderWindow.h>
#include <vtkOpenGLState.h>

#include <cmath>
#include <cstdio>
#include <numbers>

namespace qs::viewers {

void setDefaultSurfaceFormat()
{
    QSurfaceFormat fmt;
    fmt.setRenderableType(QSurfaceFormat::OpenGL);
    fmt.setVersion(3, 2);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    fmt.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
    fmt.setRedBufferSize(8);
    fmt.setGreenBufferSize(8);
    fmt.setBlueBufferSize(8);
    fmt.setDepthBufferSize(24);
    fmt.setStencilBufferSize(8);
    fmt.setAlphaBufferSize(8);
    fmt.setSamples(0);
    QSurfaceFormat::setDefaultFormat(fmt);
}

namespace {

// GL_LEQUAL: spelled out because VTK's GLEW header must not meet Qt's GL headers in one file.
constexpr unsigned kGlLequal = 0x0203;

}  // namespace

VtkHostWidget::VtkHostWidget(QWidget* parent) : QOpenGLWidget(parent), m_host(std::make_unique<VtkHostImpl>())
{
    m_host->window = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
    m_host->renderer = vtkSmartPointer<vtkRenderer>::New();
    m_host->renderer->SetBackground(0, 0, 0);
    // Opaque: Qt composites the widget's framebuffer with its alpha (VTK's default is 0).
    m_host->renderer->SetBackgroundAlpha(1.0);
    m_host->window->AddRenderer(m_host->renderer);
    m_host->window->SetMultiSamples(0);
    // No WindowMakeCurrentEvent observer: VTK renders only inside paintGL()/renderNow(), where
    // Qt's context is already current. Calling QOpenGLWidget::makeCurrent() from inside VTK's
    // render would rebind Qt's framebuffer behind VTK's state cache, and VTK would then attach
    // its textures to Qt's framebuffer.
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
}

VtkHostWidget::~VtkHostWidget()
{
    // Release VTK's GL resources while Qt's context still exists.
    if (m_host->initialized && context()) {
        makeCurrent();
        m_host->window->Finalize();
        doneCurrent();
    }
}

void VtkHostWidget::initializeGL()
{
    auto* w = m_host->window.Get();
    w->SetOwnContext(false);
    w->SetFrameBlitModeToBlitToCurrent();
    w->SetIsCurrent(true);
    w->SetReadyForRendering(false);
    w->OpenGLInitContext();
    m_host->initialized = true;
}

void VtkHostWidget::resizeGL(int w, int h)
{
    const double dpr = devicePixelRatioF();
    m_host->window->SetSize(static_cast<int>(std::lround(w * dpr)), static_cast<int>(std::lround(h * dpr)));
}

void VtkHostWidget::paintGL()
{
    auto* w = m_host->window.Get();
    const double dpr = devicePixelRatioF();
    w->SetSize(static_cast<int>(std::lround(width() * dpr)), static_cast<int>(std::lround(height() * dpr)));
    // Qt changed GL state (framebuffer binding, viewport, depth function) behind the back of
    // VTK's state cache: reset the cache, render, and restore Qt's state afterwards.
    vtkOpenGLState* state = w->GetState();
    state->Reset();
    state->Push();
    state->vtkglDepthFunc(kGlLequal);  // Qt leaves GL_LESS; VTK expects GL_LEQUAL
    w->SetReadyForRendering(true);
    w->Render();
    w->SetReadyForRendering(false);
    state->Pop();
}

void VtkHostWidget::renderNow()
{
    if (!isValid()) return;
    makeCurrent();
    // makeCurrent() binds Qt's framebuffer: render into it as a repaint would, then wait.
    paintGL();
    context()->functions()->glFinish();
    doneCurrent();
}

void VtkHostWidget::setBackground(double r, double g, double b)
{
    m_host->renderer->SetBackground(r, g, b);
    update();
}

CameraState VtkHostWidget::cameraState() const
{
    vtkCamera* c = m_host->renderer->GetActiveCamera();
    CameraState s;
    c->GetPosition(s.position.data());
    c->GetFocalPoint(s.focalPoint.data());
    c->GetViewUp(s.viewUp.data());
    s.viewAngle = c->GetViewAngle();
    s.parallel = c->GetParallelProjection() != 0;
    s.parallelScale = c->GetParallelScale();
    return s;
}

void VtkHostWidget::setCameraState(const CameraState& s)
{
    vtkCamera* c = m_host->renderer->GetActiveCamera();
    c->SetPosition(s.position.data());
    c->SetFocalPoint(s.focalPoint.data());
    c->SetViewUp(s.viewUp.data());
    c->SetViewAngle(s.viewAngle);
    c->SetParallelProjection(s.parallel);
    c->SetParallelScale(s.parallelScale);
    m_host->renderer->ResetCameraClippingRange();
    update();
}

void VtkHostWidget::mousePressEvent(QMouseEvent* e)
{
    m_pressPos = m_lastPos = e->position().toPoint();
    m_button = e->button();
    m_dragged = false;
}

void VtkHostWidget::mouseMoveEvent(QMouseEvent* e)
{
    if (m_button == Qt::NoButton) return;
    const QPoint p = e->position().toPoint();
    if ((p - m_pressPos).manhattanLength() > 3) m_dragged = true;
    const QPoint d = p - m_lastPos;
    m_lastPos = p;
    vtkCamera* c = m_host->renderer->GetActiveCamera();
    if (m_button == Qt::LeftButton && !(e->modifiers() & Qt::ShiftModifier)) {
        // Orbit around the focal point: horizontal drag turns about the world up (+z).
        c->Azimuth(-0.3 * d.x());
        c->Elevation(0.3 * d.y());
        c->OrthogonalizeViewUp();
        double up[3];
        c->GetViewUp(up);
        if (up[2] < 0.05) c->Elevation(-0.3 * d.y());  // do not roll over the pole
        c->OrthogonalizeViewUp();
    } else {
        // Pan: move position and focal point in the view plane.
        double fp[3], pos[3], up[3];
        c->GetFocalPoint(fp);
        c->GetPosition(pos);
        c->GetViewUp(up);
        const double dist = c->GetDistance();
        const double scale = c->GetParallelProjection() ? 2.0 * c->GetParallelScale() / std::max(1, height())
                                                        : 2.0 * dist * std::tan(c->GetViewAngle() * std::numbers::pi / 360.0) / std::max(1, height());
        double dir[3] = {fp[0] - pos[0], fp[1] - pos[1], fp[2] - pos[2]};
        double right[3] = {dir[1] * up[2] - dir[2] * up[1], dir[2] * up[0] - dir[0] * up[2], dir[0] * up[1] - dir[1] * up[0]};
        const double rn = std::sqrt(right[0] * right[0] + right[1] * right[1] + right[2] * right[2]);
        for (double& r : right) r /= rn > 0 ? rn : 1;
        for (int k = 0; k < 3; ++k) {
            const double shift = (-d.x() * right[k] + d.y() * up[k]) * scale;
            fp[k] += shift;
            pos[k] += shift;
        }
        c->SetFocalPoint(fp);
        c->SetPosition(pos);
    }
    m_host->renderer->ResetCameraClippingRange();
    update();
    Q_EMIT cameraChanged(cameraState());
}

void VtkHostWidget::mouseReleaseEvent(QMouseEvent* e)
{
    if (!m_dragged && e->button() == m_button && e->button() == Qt::LeftButton) Q_EMIT clicked(e->position().toPoint());
    m_button = Qt::NoButton;
}

void VtkHostWidget::wheelEvent(QWheelEvent* e)
{
    vtkCamera* c = m_host->renderer->GetActiveCamera();
    const double factor = std::pow(1.1, e->angleDelta().y() / 120.0);
    if (c->GetParallelProjection()) c->SetParallelScale(c->GetParallelScale() / factor);
    else c->Dolly(factor);
    m_host->renderer->ResetCameraClippingRange();
    update();
    Q_EMIT cameraChanged(cameraState());
}

}  // namespace qs::viewers
