#pragma once
// The quantization settings a person plays with (a preset, method, bits, integer range,
// granularity and group size, solver, outlier threshold nσ) and the live readout of the
// selected layer at those settings. The slider emits on every valueChanged, so the readout
// follows the drag, not the release. A preset (the core's quant_presets.h) fills the other
// controls; the preset box then shows whichever preset the controls match, or "Custom".

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
    QComboBox* presetCombo() const noexcept { return m_preset; }
    QComboBox* intRangeCombo() const noexcept { return m_intRange; }
    /// The preset the controls match ("q4_0", ...), or empty for custom settings.
    QString presetName() const;

    /// Persists to / restores from the typed settings.
    void saveSettings() const;
    void loadSettings();

Q_SIGNALS:
    /// nσ moved (every slider step).
    void sigmaChanged(double sigma);
    /// Anything else changed (preset, method, bits, integer range, granularity, group size,
    /// solver).
    void settingsChanged();

private:
    void updateEnabled();
    /// Names the integer ranges at the current bit-width ("restricted [−7, 7]").
    void updateIntRangeTexts();
    /// Shows the preset the controls now match (no signal).
    void updatePresetChoice();
    void applyPreset(int index);

    QComboBox* m_preset;
    QComboBox* m_method;
    QComboBox* m_compare;
    QSpinBox* m_bits;
    QComboBox* m_intRange;
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
/// The integer range with its levels at `bits`: "restricted [−7, 7]".
QString intRangeDisplayName(IntRange r, int bits);

}  // namespace qs::gui
