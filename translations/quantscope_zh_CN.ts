<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Statistics of %n tensor(s) computed.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Open a checkpoint (Ctrl+O), drop one here, or open the demo model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%p% — %1 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 tensors (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo model not available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This build has no built-in demo model yet. Open a checkpoint with File ▸ Open instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All checkpoints (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open checkpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About QuantScope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;QuantScope %1&lt;/b&gt;&lt;p&gt;A workbench for post-training quantization: explore weights and outliers, quantize with RTN or EasyQuant, compare and export.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>QuantScope</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Post-training quantization workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checkpoint to open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the built-in demo model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Render the window to FILE (PNG) and exit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View to show: layer, teaching, model, lidar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tensor to select</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::ActionRegistry</name>
    <message>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a checkpoint (safetensors, GGUF, PyTorch, ONNX, HDF5, llama2.c)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Demo Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the built-in LLaMA-shaped demo model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Clear Recent Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the quantization report or the charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quantize Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantize every selected tensor with the current settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare &amp;Methods</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantize with the current method and the comparison method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the running job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find Tensor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quantization Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About QuantScope</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::ChannelRangeChart</name>
    <message>
        <source>channel min … max</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>channels with outliers: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean ± %1σ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output channel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::HistogramChart</name>
    <message>
        <source>count (log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>outliers (|w − mean| ≥ %1σ)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quantization grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>±%1σ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>value</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::JobRunner</name>
    <message>
        <source>out of memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::LayerInspector</name>
    <message>
        <source>Bins</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a tensor in the model tree.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1-bit grid (tensor range)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1-bit grid of the widest channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The threshold explorer is not available in this build.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::ModelDocument</name>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statistics of %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::QuantControls</name>
    <message>
        <source>RTN (min-max)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RTN with MSE clip search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EasyQuant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>per tensor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>per output channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>per group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adam (paper)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exact search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a tensor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantization settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selected layer at these settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> bits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> σ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outlier threshold: |w − mean| ≥ nσ is kept in fp16 (0 keeps none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Granularity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Range solver</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outliers at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outliers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rel_err</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQNR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bpw</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 %)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 dB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RTN on the normal values at %1 bits, outliers beyond %2σ kept in fp16 (range optimisation not included).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::StatsPanel</name>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no tensor selected)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Std deviation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Minimum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>max |w|</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Non-finite values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outliers at %1σ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 %)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channels with outliers</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::TensorBrowser</name>
    <message>
        <source>Filter tensors by name</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qs::gui::TensorTreeModel</name>
    <message>
        <source>linear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>conv</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>embedding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bias</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>other</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n tensor(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Params</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outliers %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rel_err</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQNR dB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bpw</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
