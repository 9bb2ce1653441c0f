#pragma once
// The quantization settings a person plays with (method, bits, granularity and group size,
// solver, outlier threshold nσ) and the live readout of the selected layer at those settings.
// The slider emits on every valueChanged, so the readout follows the drag, not the release.

#include "quantscope/quant/quant_settings.h"
#include "quantscope/quant/threshold_explorer.h"

#include <QWidget>

class QComboBox;
class QFormLayout;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;
class QGroupBox;

namespace qs::gui {

class QuantControls : public QWidget {
    Q_OBJECT
public:
    static constexpr double kSigmaStep = 0.05;
    static constexpr double kSigmaMax = 10.0;

    explicit QuantControls(QWidget* parent = nullptr);

    QuantSettings settings() const;
    void setSettings(const QuantSettings& s);
    double sigma() const;
    void setSigma(double sigma);
    QuantMethod compareMethod() const;

    /// Shows the selected layer's numbers at the current settings.
    void showAnswer(const ExplorerAnswer& answer);
    void clearAnswer(const QString& why);
    void retranslate();

    QSlider* sigmaSlider() const noexcept { return m_sigmaSlider; }
    QLabel* outliersLabel() const noexcept { return m_outliers; }
    QLabel* relErrLabel() const noexcept { return m_relErr; }
    QLabel* sqnrLabel() const noexcept { return m_sqnr; }
    QLabel* bpwLabel() const noexcept { return m_bpw; }

    /// Persists to / restores from the typed settings.
    void saveSettings() const;
    void loadSettings();

Q_SIGNALS:
    /// nσ moved (every slider step).
    void sigmaChanged(double sigma);
    /// Anything else changed (method, bits, granularity, group size, solver).
    void settingsChanged();

private:
    void updateEnabled();

    QComboBox* m_method;
    QComboBox* m_compare;
    QSpinBox* m_bits;
    QComboBox* m_granularity;
    QSpinBox* m_groupSize;
    QComboBox* m_solver;
    QSlider* m_sigmaSlider;
    QDoubleSpinBox* m_sigmaSpin;
    QLabel* m_outliers;
    QLabel* m_relErr;
    QLabel* m_sqnr;
    QLabel* m_bpw;
    QLabel* m_note;
    QGroupBox* m_settingsBox;
    QGroupBox* m_readoutBox;
    QFormLayout* m_settingsForm;
    QFormLayout* m_readoutForm;
};

/// Translated display names (the ids stay the core's: "rtn", "easyquant", ...).
QString methodDisplayName(QuantMethod m);
QString granularityDisplayName(Granularity g);
QString solverDisplayName(RangeSolver s);

}  // namespace qs::gui
