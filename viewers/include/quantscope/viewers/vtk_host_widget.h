#pragma once
// A Qt 6 QOpenGLWidget that hosts a VTK render window (vtkGenericOpenGLRenderWindow drawing
// into Qt's framebuffer), with orbit / pan / zoom on the mouse. VTK types stay behind a pimpl.

#include "quantscope/viewers/camera_state.h"

#include <QOpenGLWidget>

#include <memory>

namespace qs::viewers {

struct VtkHostImpl;

class VtkHostWidget : public QOpenGLWidget {
    Q_OBJECT

public:
    explicit VtkHostWidget(QWidget* parent = nullptr);
    ~VtkHostWidget() override;

    CameraState cameraState() const;
    /// Moves the camera without emitting cameraChanged (so linked views do not loop).
    void setCameraState(const CameraState& state);
    /// Renders synchronously now (makes the context current, renders, glFinish). For tests
    /// and benchmarks; normal code calls update().
    void renderNow();
    /// Background colour, 0..1.
    void setBackground(double r, double g, double b);

Q_SIGNALS:
    /// The user moved the camera (drag or wheel).
    void cameraChanged(const qs::viewers::CameraState& state);
    /// A click without drag at widget coordinates (x, y in logical pixels).
    void clicked(QPoint position);

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;

    VtkHostImpl& host() { return *m_host; }
    const VtkHostImpl& host() const { return *m_host; }

private:
    std::unique_ptr<VtkHostImpl> m_host;
    QPoint m_pressPos, m_lastPos;
    Qt::MouseButton m_button = Qt::NoButton;
    bool m_dragged = false;
};

}  // namespace qs::viewers
