#pragma once
// Preferences: the interface language (applied at once) and other user settings.

#include <QDialog>

class QComboBox;

namespace qs::gui {

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);
    QComboBox* languageCombo() const noexcept { return m_language; }
    /// Stores and applies the choice.
    void apply();

private:
    QComboBox* m_language;
};

}  // namespace qs::gui
