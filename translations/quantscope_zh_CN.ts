<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Statistics of %n tensor(s) computed.</source>
        <translation>
            <numerusform>已计算 %n 个张量的统计信息。</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not open the file</source>
        <translation>无法打开文件</translation>
    </message>
    <message>
        <source>%p% — %1 s left</source>
        <translation>%p% — 剩余 %1 秒</translation>
    </message>
    <message>
        <source>%1: cancelled</source>
        <translation>%1：已取消</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>正在打开 %1</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>打开 %1</translation>
    </message>
    <message>
        <source>%1: %2 tensors (%3)</source>
        <translation>%1：%2 个张量（%3）</translation>
    </message>
    <message>
        <source>Demo model not available</source>
        <translation>演示模型不可用</translation>
    </message>
    <message>
        <source>This build has no built-in demo model yet. Open a checkpoint with File ▸ Open instead.</source>
        <translation>此版本尚无内置演示模型。请改用“文件 ▸ 打开”打开检查点。</translation>
    </message>
    <message>
        <source>All checkpoints (%1)</source>
        <translation>所有检查点 (%1)</translation>
    </message>
    <message>
        <source>Open checkpoint</source>
        <translation>打开检查点</translation>
    </message>
    <message>
        <source>About QuantScope</source>
        <translation>关于 QuantScope</translation>
    </message>
    <message>
        <source>&lt;b&gt;QuantScope %1&lt;/b&gt;&lt;p&gt;A workbench for post-training quantization: explore weights and outliers, quantize with RTN or EasyQuant, compare and export.&lt;/p&gt;</source>
        <translation>&lt;b&gt;QuantScope %1&lt;/b&gt;&lt;p&gt;训练后量化工作台：探索权重与离群值，使用 RTN 或 EasyQuant 量化，比较并导出。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>QuantScope</source>
        <translation>QuantScope</translation>
    </message>
    <message>
        <source>%1: done in %2 s</source>
        <translation>%1：用时 %2 秒完成</translation>
    </message>
    <message>
        <source>demo model</source>
        <translation>演示模型</translation>
    </message>
    <message>
        <source>Built-in demo model: %1 tensors</source>
        <translation>内置演示模型：%1 个张量</translation>
    </message>
    <message>
        <source>Nothing to quantize</source>
        <translation>没有可量化的内容</translation>
    </message>
    <message>
        <source>Open a checkpoint or the demo model first.</source>
        <translation>请先打开检查点或演示模型。</translation>
    </message>
    <message>
        <source>unknown export</source>
        <translation>未知的导出类型</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Teaching</source>
        <translation>教学</translation>
    </message>
    <message>
        <source>LiDAR</source>
        <translation>激光雷达</translation>
    </message>
    <message>
        <source>Could not open the LiDAR frame</source>
        <translation>无法打开 LiDAR 帧</translation>
    </message>
    <message>
        <source>Exported %1 (%2)</source>
        <translation>已导出 %1（%2）</translation>
    </message>
    <message>
        <source>Opening LiDAR frame %1</source>
        <translation>正在打开 LiDAR 帧 %1</translation>
    </message>
    <message>
        <source>  with %1</source>
        <translation>  附带 %1</translation>
    </message>
    <message>
        <source>%1: no detections</source>
        <translation>%1：无检测结果</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>%1: no labels, so detections are shown without AP scores</source>
        <translation>%1：没有标注，检测结果显示时不含 AP</translation>
    </message>
    <message>
        <source>Cannot show %1: the LiDAR viewer needs OpenGL widgets, which the &quot;%2&quot; platform does not provide.</source>
        <translation>无法显示 %1：LiDAR 视图需要 OpenGL 控件，而“%2”平台不提供。</translation>
    </message>
    <message>
        <source>LiDAR viewer not available</source>
        <translation>LiDAR 视图不可用</translation>
    </message>
    <message>
        <source>%1: the extension names no model format (.qs.h5, .safetensors, .gguf)</source>
        <translation>%1：扩展名不对应任何模型格式（.qs.h5、.safetensors、.gguf）</translation>
    </message>
    <message>
        <source>%1: %2 points; labelled boxes: %3; detections A: %4, B: %5</source>
        <translation>%1：%2 个点；标注框：%3；检测 A：%4，B：%5</translation>
    </message>
    <message>
        <source>Open a checkpoint (Ctrl+O) or a LiDAR frame (Ctrl+Shift+O), or drop a file here.</source>
        <translation>打开检查点 (Ctrl+O) 或 LiDAR 帧 (Ctrl+Shift+O)，或将文件拖放到此处。</translation>
    </message>
    <message>
        <source>A — open a point cloud with File ▸ Open LiDAR Frame… (Ctrl+Shift+O) or drop one here</source>
        <translation>A — 通过“文件 ▸ 打开 LiDAR 帧…”(Ctrl+Shift+O) 打开点云，或将其拖放到此处</translation>
    </message>
    <message>
        <source>B — detections to compare with A</source>
        <translation>B — 与 A 比较的检测结果</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Post-training quantization workbench</source>
        <translation>训练后量化工作台</translation>
    </message>
    <message>
        <source>Open the built-in demo model</source>
        <translation>打开内置演示模型</translation>
    </message>
    <message>
        <source>Render the window to FILE (PNG) and exit</source>
        <translation>将窗口渲染到 FILE (PNG) 后退出</translation>
    </message>
    <message>
        <source>View to show: layer, teaching, model, lidar</source>
        <translation>要显示的视图：layer、teaching、model、lidar</translation>
    </message>
    <message>
        <source>Tensor to select</source>
        <translation>要选择的张量</translation>
    </message>
    <message>
        <source>Checkpoint or point cloud to open</source>
        <translation>要打开的检查点或点云</translation>
    </message>
    <message>
        <source>Quantize the model once it is open</source>
        <translation>模型打开后立即量化</translation>
    </message>
    <message>
        <source>Quantize with the method and the comparison method once the model is open</source>
        <translation>模型打开后立即用所选方法和对比方法量化</translation>
    </message>
</context>
<context>
    <name>qs::gui::ActionRegistry</name>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a checkpoint (safetensors, GGUF, PyTorch, ONNX, HDF5, llama2.c)</source>
        <translation>打开检查点（safetensors、GGUF、PyTorch、ONNX、HDF5、llama2.c）</translation>
    </message>
    <message>
        <source>Open &amp;Demo Model</source>
        <translation>打开演示模型(&amp;D)</translation>
    </message>
    <message>
        <source>Open the built-in LLaMA-shaped demo model</source>
        <translation>打开内置的 LLaMA 结构演示模型</translation>
    </message>
    <message>
        <source>&amp;Clear Recent Files</source>
        <translation>清除最近文件(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Export the quantization report or the charts</source>
        <translation>导出量化报告或图表</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Quantize Model</source>
        <translation>量化模型(&amp;Q)</translation>
    </message>
    <message>
        <source>Quantize every selected tensor with the current settings</source>
        <translation>使用当前设置量化所有选中的张量</translation>
    </message>
    <message>
        <source>Compare &amp;Methods</source>
        <translation>比较方法(&amp;M)</translation>
    </message>
    <message>
        <source>Quantize with the current method and the comparison method</source>
        <translation>使用当前方法和对比方法分别量化</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>Stop the running job</source>
        <translation>停止正在运行的任务</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Find Tensor</source>
        <translation>查找张量(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>日志(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Quantization Settings</source>
        <translation>量化设置(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;About QuantScope</source>
        <translation>关于 QuantScope(&amp;A)</translation>
    </message>
    <message>
        <source>Open &amp;LiDAR Frame…</source>
        <translation>打开 LiDAR 帧(&amp;L)…</translation>
    </message>
    <message>
        <source>Open a point cloud with its labels and two sets of detections to compare</source>
        <translation>打开点云及其标注和两组检测结果进行比较</translation>
    </message>
</context>
<context>
    <name>qs::gui::ChannelRangeChart</name>
    <message>
        <source>channel min … max</source>
        <translation>通道最小值 … 最大值</translation>
    </message>
    <message>
        <source>mean ± %1σ</source>
        <translation>均值 ± %1σ</translation>
    </message>
    <message>
        <source>output channel</source>
        <translation>输出通道</translation>
    </message>
    <message>
        <source>outlier channels: %1</source>
        <translation>离群通道：%1</translation>
    </message>
</context>
<context>
    <name>qs::gui::ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Quantization report</source>
        <translation>量化报告</translation>
    </message>
    <message>
        <source>Per-layer error chart</source>
        <translation>逐层误差图</translation>
    </message>
    <message>
        <source>Histogram of the selected tensor</source>
        <translation>所选张量的直方图</translation>
    </message>
    <message>
        <source>Channel ranges of the selected tensor</source>
        <translation>所选张量的各通道范围</translation>
    </message>
    <message>
        <source>Quantize the model first.</source>
        <translation>请先量化模型。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <source>PNG image</source>
        <translation>PNG 图像</translation>
    </message>
    <message>
        <source>SVG vector image</source>
        <translation>SVG 矢量图</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Quantized model</source>
        <translation>量化后的模型</translation>
    </message>
    <message>
        <source>Open a checkpoint or the demo model first.</source>
        <translation>请先打开检查点或演示模型。</translation>
    </message>
    <message>
        <source>The model is quantized again with the settings of the last run (or the current settings) and written as it goes; the job can be cancelled from the status bar.</source>
        <translation>模型将按上次运行的设置（或当前设置）重新量化并边算边写入；可在状态栏取消该任务。</translation>
    </message>
    <message>
        <source>Per-tensor settings and errors of the last run, with the model-wide totals.</source>
        <translation>上次运行中每个张量的设置和误差，以及整个模型的汇总。</translation>
    </message>
    <message>
        <source>The chart as it is shown now.</source>
        <translation>当前显示的图表。</translation>
    </message>
    <message>
        <source>%1 files (*%2)</source>
        <translation>%1 文件 (*%2)</translation>
    </message>
    <message>
        <source>Weights as</source>
        <translation>权重存为</translation>
    </message>
    <message>
        <source>F16 (dequantized)</source>
        <translation>F16（反量化）</translation>
    </message>
    <message>
        <source>BF16 (dequantized)</source>
        <translation>BF16（反量化）</translation>
    </message>
    <message>
        <source>F32 (dequantized)</source>
        <translation>F32（反量化）</translation>
    </message>
    <message>
        <source>Q4_0 (llama.cpp 4-bit blocks)</source>
        <translation>Q4_0（llama.cpp 4 位块）</translation>
    </message>
    <message>
        <source>Q8_0 (llama.cpp 8-bit blocks)</source>
        <translation>Q8_0（llama.cpp 8 位块）</translation>
    </message>
    <message>
        <source>F16</source>
        <translation>F16</translation>
    </message>
    <message>
        <source>Block type of the weight matrices. nl4 quantized with groups of 32 is written as IQ4_XS without re-quantizing (rows whose length is a multiple of 256); symmetric results without outliers whose scales cover 32-value blocks are written as Q4_0 or Q8_0 without re-quantizing.</source>
        <translation>权重矩阵的块类型。以 32 为一组量化的 nl4 直接写为 IQ4_XS，无需重新量化（行长须为 256 的倍数）；不含离群值、且每个缩放因子覆盖完整 32 值块的对称结果直接写为 Q4_0 或 Q8_0，无需重新量化。</translation>
    </message>
</context>
<context>
    <name>qs::gui::HistogramChart</name>
    <message>
        <source>count (log)</source>
        <translation>计数（对数）</translation>
    </message>
    <message>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>outliers (|w − mean| ≥ %1σ)</source>
        <translation>离群值（|w − 均值| ≥ %1σ）</translation>
    </message>
    <message>
        <source>quantization grid</source>
        <translation>量化网格</translation>
    </message>
    <message>
        <source>±%1σ</source>
        <translation>±%1σ</translation>
    </message>
    <message>
        <source>value</source>
        <translation>数值</translation>
    </message>
</context>
<context>
    <name>qs::gui::JobRunner</name>
    <message>
        <source>out of memory</source>
        <translation>内存不足</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
</context>
<context>
    <name>qs::gui::LayerInspector</name>
    <message>
        <source>Bins</source>
        <translation>分箱数</translation>
    </message>
    <message>
        <source>Log count</source>
        <translation>对数计数</translation>
    </message>
    <message>
        <source>Select a tensor in the model tree.</source>
        <translation>请在模型树中选择一个张量。</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation>加载 %1</translation>
    </message>
    <message>
        <source>%1-bit grid (tensor range)</source>
        <translation>%1 位网格（张量范围）</translation>
    </message>
    <message>
        <source>%1-bit grid of the widest channel</source>
        <translation>最宽通道的 %1 位网格</translation>
    </message>
    <message>
        <source>nl4 levels of the widest sub-block</source>
        <translation>最宽子块的 nl4 级别</translation>
    </message>
    <message>
        <source>The threshold explorer is not available in this build.</source>
        <translation>此版本不提供阈值探索器。</translation>
    </message>
    <message>
        <source>nl4 is not a uniform grid: quantize the model to see its numbers.</source>
        <translation>nl4 不是均匀网格：请量化整个模型以查看其数值。</translation>
    </message>
</context>
<context>
    <name>qs::gui::LidarFrameDialog</name>
    <message>
        <source>Open LiDAR Frame</source>
        <translation>打开 LiDAR 帧</translation>
    </message>
    <message>
        <source>&amp;Point cloud:</source>
        <translation>点云(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Labels (label_2):</source>
        <translation>标注 (label_2)(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Calibration:</source>
        <translation>标定(&amp;C)：</translation>
    </message>
    <message>
        <source>Detections &amp;A:</source>
        <translation>检测 A(&amp;A)：</translation>
    </message>
    <message>
        <source>Detections &amp;B:</source>
        <translation>检测 B(&amp;B)：</translation>
    </message>
    <message>
        <source>KITTI .bin, nuScenes .pcd.bin, PCD, PLY or LAS</source>
        <translation>KITTI .bin、nuScenes .pcd.bin、PCD、PLY 或 LAS</translation>
    </message>
    <message>
        <source>optional, KITTI label_2 .txt</source>
        <translation>可选，KITTI label_2 .txt</translation>
    </message>
    <message>
        <source>needed with labels or KITTI result files</source>
        <translation>使用标注或 KITTI 结果文件时必需</translation>
    </message>
    <message>
        <source>optional, pred_velo or KITTI result .txt</source>
        <translation>可选，pred_velo 或 KITTI 结果 .txt</translation>
    </message>
    <message>
        <source>optional, e.g. the quantized detector&apos;s output</source>
        <translation>可选，例如量化检测器的输出</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Labels and calibration are filled in from the KITTI folder layout (velodyne/, label_2/, calib/); detections from pred_velo_&lt;id&gt;.txt beside the cloud.</source>
        <translation>标注和标定按 KITTI 目录结构（velodyne/、label_2/、calib/）自动填写；检测结果取自点云旁的 pred_velo_&lt;id&gt;.txt。</translation>
    </message>
    <message>
        <source>Point clouds (%1)</source>
        <translation>点云 (%1)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose a point cloud</source>
        <translation>选择点云</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Choose a point cloud.</source>
        <translation>请选择点云。</translation>
    </message>
    <message>
        <source>KITTI labels are in the camera frame: choose the calibration file too.</source>
        <translation>KITTI 标注位于相机坐标系：请同时选择标定文件。</translation>
    </message>
    <message>
        <source>Point cloud</source>
        <translation>点云</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>标定</translation>
    </message>
    <message>
        <source>Detections A</source>
        <translation>检测 A</translation>
    </message>
    <message>
        <source>Detections B</source>
        <translation>检测 B</translation>
    </message>
    <message>
        <source>%1: no such file (%2)</source>
        <translation>%1：文件不存在（%2）</translation>
    </message>
</context>
<context>
    <name>qs::gui::ModelDocument</name>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Statistics of %1</source>
        <translation>%1 的统计信息</translation>
    </message>
</context>
<context>
    <name>qs::gui::ModelQuantSession</name>
    <message>
        <source>Compare %1 and %2</source>
        <translation>比较 %1 与 %2</translation>
    </message>
    <message>
        <source>Quantize with %1</source>
        <translation>使用 %1 量化</translation>
    </message>
    <message>
        <source>Quantize the model first.</source>
        <translation>请先量化模型。</translation>
    </message>
    <message>
        <source>This build has no report writer.</source>
        <translation>此版本不支持写出报告。</translation>
    </message>
    <message>
        <source>Open a checkpoint or the demo model first.</source>
        <translation>请先打开检查点或演示模型。</translation>
    </message>
    <message>
        <source>Unknown export format: %1</source>
        <translation>未知的导出格式：%1</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>导出 %1</translation>
    </message>
    <message>
        <source>Unknown weight type: %1</source>
        <translation>未知的权重类型：%1</translation>
    </message>
</context>
<context>
    <name>qs::gui::ModelQuantView</name>
    <message>
        <source>Worst layers (highest rel_err)</source>
        <translation>最差的层（rel_err 最高）</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>rel_err</source>
        <translation>rel_err</translation>
    </message>
    <message>
        <source>SQNR dB</source>
        <translation>SQNR dB</translation>
    </message>
    <message>
        <source>method A</source>
        <translation>方法 A</translation>
    </message>
    <message>
        <source>method B</source>
        <translation>方法 B</translation>
    </message>
    <message>
        <source>rel_err %1</source>
        <translation>rel_err %1</translation>
    </message>
    <message>
        <source>Δ rel_err</source>
        <translation>Δ rel_err</translation>
    </message>
    <message>
        <source>bpw %1</source>
        <translation>bpw %1</translation>
    </message>
    <message>
        <source>SQNR %1</source>
        <translation>SQNR %1</translation>
    </message>
    <message>
        <source>Reconstruction error per quantized tensor (rel_err, log scale)</source>
        <translation>各量化张量的重建误差（rel_err，对数刻度）</translation>
    </message>
    <message>
        <source>Quantize the model (Ctrl+R) or compare two methods (Ctrl+Shift+R).</source>
        <translation>量化模型 (Ctrl+R) 或比较两种方法 (Ctrl+Shift+R)。</translation>
    </message>
    <message>
        <source>Quantizing…</source>
        <translation>正在量化…</translation>
    </message>
    <message>
        <source>%1 has a lower rel_err than %2 on %3 of %4 tensors; on average its error is %5 % of %2&apos;s.</source>
        <translation>%1 在 %4 个张量中的 %3 个上 rel_err 低于 %2；其误差平均为 %2 的 %5 %。</translation>
    </message>
    <message numerus="yes">
        <source>%n tensor(s) quantized.</source>
        <translation>
            <numerusform>已量化 %n 个张量。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qs::gui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>qs::gui::QuantControls</name>
    <message>
        <source>RTN (min-max)</source>
        <translation>RTN（最小-最大）</translation>
    </message>
    <message>
        <source>RTN with MSE clip search</source>
        <translation>RTN + MSE 截断搜索</translation>
    </message>
    <message>
        <source>EasyQuant</source>
        <translation>EasyQuant</translation>
    </message>
    <message>
        <source>per tensor</source>
        <translation>逐张量</translation>
    </message>
    <message>
        <source>per output channel</source>
        <translation>逐输出通道</translation>
    </message>
    <message>
        <source>per group</source>
        <translation>逐组</translation>
    </message>
    <message>
        <source>Adam (paper)</source>
        <translation>Adam（论文）</translation>
    </message>
    <message>
        <source>exact search</source>
        <translation>精确搜索</translation>
    </message>
    <message>
        <source>Select a tensor.</source>
        <translation>请选择一个张量。</translation>
    </message>
    <message>
        <source>Quantization settings</source>
        <translation>量化设置</translation>
    </message>
    <message>
        <source>Selected layer at these settings</source>
        <translation>当前设置下的所选层</translation>
    </message>
    <message>
        <source> bits</source>
        <translation> 位</translation>
    </message>
    <message>
        <source> σ</source>
        <translation> σ</translation>
    </message>
    <message>
        <source>Outlier threshold: |w − mean| ≥ nσ is kept in fp16 (0 keeps none)</source>
        <translation>离群阈值：|w − 均值| ≥ nσ 的值以 fp16 保留（0 表示不保留）</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Bits</source>
        <translation>位数</translation>
    </message>
    <message>
        <source>Granularity</source>
        <translation>粒度</translation>
    </message>
    <message>
        <source>Group size</source>
        <translation>组大小</translation>
    </message>
    <message>
        <source>Range solver</source>
        <translation>范围求解器</translation>
    </message>
    <message>
        <source>Outliers at</source>
        <translation>离群阈值</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>对比方法</translation>
    </message>
    <message>
        <source>Outliers</source>
        <translation>离群值</translation>
    </message>
    <message>
        <source>rel_err</source>
        <translation>rel_err</translation>
    </message>
    <message>
        <source>SQNR</source>
        <translation>SQNR</translation>
    </message>
    <message>
        <source>bpw</source>
        <translation>bpw</translation>
    </message>
    <message>
        <source>%1 (%2 %)</source>
        <translation>%1（%2 %）</translation>
    </message>
    <message>
        <source>%1 dB</source>
        <translation>%1 dB</translation>
    </message>
    <message>
        <source>exact</source>
        <translation>无误差</translation>
    </message>
    <message>
        <source>RTN on the normal values at %1 bits, outliers beyond %2σ kept in fp16 (range optimisation not included).</source>
        <translation>对正常值做 %1 位 RTN，超过 %2σ 的离群值以 fp16 保留（不含范围优化）。</translation>
    </message>
    <message>
        <source>none: max |normal value|</source>
        <translation>不优化：最大 |正常值|</translation>
    </message>
    <message>
        <source>NL4 (non-linear 4-bit, groups of 16 or 32)</source>
        <translation>NL4（非线性 4 位，每组 16 或 32 个值）</translation>
    </message>
    <message>
        <source>restricted %1</source>
        <translation>受限 %1</translation>
    </message>
    <message>
        <source>full %1</source>
        <translation>完整 %1</translation>
    </message>
    <message>
        <source>paper&apos;s formula %1</source>
        <translation>论文公式 %1</translation>
    </message>
    <message>
        <source>%1 or %2, per unit</source>
        <translation>%1 或 %2，按单元</translation>
    </message>
    <message>
        <source>llama.cpp Q4_0</source>
        <translation>llama.cpp Q4_0</translation>
    </message>
    <message>
        <source>llama.cpp Q8_0</source>
        <translation>llama.cpp Q8_0</translation>
    </message>
    <message>
        <source>llama.cpp IQ4_XS</source>
        <translation>llama.cpp IQ4_XS</translation>
    </message>
    <message>
        <source>EasyQuant as in the paper</source>
        <translation>论文中的 EasyQuant</translation>
    </message>
    <message>
        <source>EasyQuant&apos;s exact step search per block of 32 on the block type&apos;s own grid or its mirror, no outliers: a GGUF export writes these blocks exactly.</source>
        <translation>EasyQuant 的精确步长搜索，每 32 个值一块，使用该块类型自身的网格或其镜像，不保留离群值：GGUF 导出会精确写入这些块。</translation>
    </message>
    <message>
        <source>NL4 with groups of 32: a GGUF export writes IQ4_XS blocks losslessly.</source>
        <translation>NL4，每组 32 个值：GGUF 导出会无损写入 IQ4_XS 块。</translation>
    </message>
    <message>
        <source>4 bits per output channel, outliers beyond 3σ kept in fp16, Adam (lr 1e-4, 500 steps) on each range, the paper&apos;s grid.</source>
        <translation>每个输出通道 4 位，超过 3σ 的离群值以 fp16 保留，对每个范围使用 Adam（lr 1e-4，500 步），采用论文的网格。</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Named settings; changing any control afterwards makes them custom</source>
        <translation>命名的设置；之后修改任何控件都会变为自定义</translation>
    </message>
    <message>
        <source>Integer levels of the symmetric grid at this bit-width; &quot;per unit&quot; lets each channel or group take the mirrored grid where it fits better</source>
        <translation>此位宽下对称网格的整数级别；“按单元”允许每个通道或组在更合适时使用镜像网格</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Integer range</source>
        <translation>整数范围</translation>
    </message>
</context>
<context>
    <name>qs::gui::StatsPanel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>(no tensor selected)</source>
        <translation>（未选择张量）</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Output channels</source>
        <translation>输出通道数</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>Std deviation</source>
        <translation>标准差</translation>
    </message>
    <message>
        <source>Minimum</source>
        <translation>最小值</translation>
    </message>
    <message>
        <source>Maximum</source>
        <translation>最大值</translation>
    </message>
    <message>
        <source>max |w|</source>
        <translation>最大 |w|</translation>
    </message>
    <message>
        <source>Non-finite values</source>
        <translation>非有限值</translation>
    </message>
    <message>
        <source>max |w| / std</source>
        <translation>最大 |w| / 标准差</translation>
    </message>
    <message>
        <source>Excess kurtosis</source>
        <translation>超额峰度</translation>
    </message>
    <message>
        <source>Beyond 3σ</source>
        <translation>超出 3σ</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Channels beyond %1σ</source>
        <translation>超出 %1σ 的通道</translation>
    </message>
</context>
<context>
    <name>qs::gui::TeachingView</name>
    <message>
        <source>EasyQuant range optimisation of channel</source>
        <translation>EasyQuant 范围优化，通道</translation>
    </message>
    <message>
        <source>Error vs outlier threshold</source>
        <translation>误差随离群阈值的变化</translation>
    </message>
    <message>
        <source>Error vs bits</source>
        <translation>误差随位数的变化</translation>
    </message>
    <message>
        <source>Range over Adam steps</source>
        <translation>Adam 各步的范围</translation>
    </message>
    <message>
        <source>Loss over Adam steps</source>
        <translation>Adam 各步的损失</translation>
    </message>
    <message>
        <source>rel_err at %1 bits</source>
        <translation>%1 位时的 rel_err</translation>
    </message>
    <message>
        <source>outlier threshold nσ</source>
        <translation>离群阈值 nσ</translation>
    </message>
    <message>
        <source>rel_err</source>
        <translation>rel_err</translation>
    </message>
    <message>
        <source>current choice</source>
        <translation>当前选择</translation>
    </message>
    <message>
        <source>rel_err at %1σ</source>
        <translation>%1σ 时的 rel_err</translation>
    </message>
    <message>
        <source>bits</source>
        <translation>位数</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>EasyQuant trace</source>
        <translation>EasyQuant 轨迹</translation>
    </message>
    <message>
        <source>Adam: range r</source>
        <translation>Adam：范围 r</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>range r</source>
        <translation>范围 r</translation>
    </message>
    <message>
        <source>exact search optimum</source>
        <translation>精确搜索最优值</translation>
    </message>
    <message>
        <source>Adam: loss Σ(Q(x) − x)²</source>
        <translation>Adam：损失 Σ(Q(x) − x)²</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>No normal values in this channel.</source>
        <translation>该通道没有正常值。</translation>
    </message>
    <message>
        <source>Select a tensor.</source>
        <translation>请选择一个张量。</translation>
    </message>
    <message>
        <source>%1 normal values; Adam (lr %2, %3 steps) ends at r = %4, loss %5; exact search: r = %6, loss %7.</source>
        <translation>%1 个正常值；Adam（学习率 %2，%3 步）终止于 r = %4，损失 %5；精确搜索：r = %6，损失 %7。</translation>
    </message>
    <message>
        <source>Loss over the range r</source>
        <translation>损失随范围 r 的变化</translation>
    </message>
    <message>
        <source>Adam&apos;s last step</source>
        <translation>Adam 的最后一步</translation>
    </message>
    <message>
        <source>loss Σ(Q(x) − x)² at range r</source>
        <translation>范围 r 处的损失 Σ(Q(x) − x)²</translation>
    </message>
    <message>
        <source>Adam&apos;s path is on the mirrored grid, which this channel fits better.</source>
        <translation>Adam 的路径位于镜像网格上，它更适合此通道。</translation>
    </message>
</context>
<context>
    <name>qs::gui::TensorBrowser</name>
    <message>
        <source>Filter tensors by name</source>
        <translation>按名称筛选张量</translation>
    </message>
</context>
<context>
    <name>qs::gui::TensorTreeModel</name>
    <message>
        <source>linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>conv</source>
        <translation>卷积</translation>
    </message>
    <message>
        <source>embedding</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>bias</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message numerus="yes">
        <source>%n tensor(s)</source>
        <translation>
            <numerusform>%n 个张量</numerusform>
        </translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Outliers %</source>
        <translation>离群值 %</translation>
    </message>
    <message>
        <source>rel_err</source>
        <translation>rel_err</translation>
    </message>
    <message>
        <source>SQNR dB</source>
        <translation>SQNR dB</translation>
    </message>
    <message>
        <source>bpw</source>
        <translation>bpw</translation>
    </message>
</context>
<context>
    <name>qs::gui::chart</name>
    <message>
        <source>Exported by QuantScope</source>
        <translation>由 QuantScope 导出</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>qs::viewers::DetectorPanel</name>
    <message>
        <source>bundled model</source>
        <translation>内置模型</translation>
    </message>
    <message>
        <source>Detector weights (.safetensors from lidar-train); empty: the bundled model</source>
        <translation>检测器权重（lidar-train 生成的 .safetensors）；留空：使用内置模型</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>8 bits</source>
        <translation>8 位</translation>
    </message>
    <message>
        <source>4 bits</source>
        <translation>4 位</translation>
    </message>
    <message>
        <source>FP32 (none)</source>
        <translation>FP32（不量化）</translation>
    </message>
    <message>
        <source>Run detector</source>
        <translation>运行检测器</translation>
    </message>
    <message>
        <source>Open a point cloud, then run the detector.</source>
        <translation>请先打开点云，再运行检测器。</translation>
    </message>
    <message>
        <source>AP (%)</source>
        <translation>AP (%)</translation>
    </message>
    <message>
        <source>Quantized</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Moderate AP|R40 against the loaded labels (KITTI protocol)</source>
        <translation>相对已加载标注的中等难度 AP|R40（KITTI 协议）</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>View B method</source>
        <translation>视图 B 的方法</translation>
    </message>
    <message>
        <source>Weight bits</source>
        <translation>权重位数</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>激活</translation>
    </message>
    <message>
        <source>&lt;b&gt;Detector&lt;/b&gt;</source>
        <translation>&lt;b&gt;检测器&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Detector weights</source>
        <translation>检测器权重</translation>
    </message>
    <message>
        <source>Safetensors (*.safetensors)</source>
        <translation>Safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>New point cloud: the running detection was dropped.</source>
        <translation>新的点云：正在进行的检测已放弃。</translation>
    </message>
    <message>
        <source>Press “Run detector” to detect on this cloud.</source>
        <translation>点击“运行检测器”在此点云上检测。</translation>
    </message>
    <message>
        <source>No point cloud is open.</source>
        <translation>未打开点云。</translation>
    </message>
    <message>
        <source>Detecting…</source>
        <translation>检测中…</translation>
    </message>
    <message>
        <source>Loading and quantizing the detector, then detecting…</source>
        <translation>正在加载并量化检测器，然后检测…</translation>
    </message>
    <message>
        <source>Detector failed: %1</source>
        <translation>检测器失败：%1</translation>
    </message>
    <message>
        <source>FP32: %1 boxes, %2: %3 boxes (%4 s)</source>
        <translation>FP32：%1 个框，%2：%3 个框（%4 秒）</translation>
    </message>
    <message>
        <source>%1 BEV</source>
        <translation>%1 BEV</translation>
    </message>
    <message>
        <source>%1 3D</source>
        <translation>%1 3D</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>qs::viewers::LidarCompareWidget</name>
    <message>
        <source>%1 at (%2, %3, %4) m, size %5 x %6 x %7 m, heading %8 rad</source>
        <translation>%1 位于 (%2, %3, %4) m，尺寸 %5 x %6 x %7 m，朝向 %8 rad</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>Intensity</source>
        <translation>强度</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>高度</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Solid</source>
        <translation>纯色</translation>
    </message>
    <message>
        <source>point size </source>
        <translation>点大小 </translation>
    </message>
    <message>
        <source>Ground truth</source>
        <translation>真值</translation>
    </message>
    <message>
        <source>Detections</source>
        <translation>检测结果</translation>
    </message>
    <message>
        <source>Scores</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Perspective</source>
        <translation>透视</translation>
    </message>
    <message>
        <source>Bird&apos;s eye</source>
        <translation>鸟瞰</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>AP 3D A</source>
        <translation>AP 3D A</translation>
    </message>
    <message>
        <source>AP 3D B</source>
        <translation>AP 3D B</translation>
    </message>
    <message>
        <source>Δ 3D</source>
        <translation>Δ 3D</translation>
    </message>
    <message>
        <source>AP BEV A</source>
        <translation>AP BEV A</translation>
    </message>
    <message>
        <source>AP BEV B</source>
        <translation>AP BEV B</translation>
    </message>
    <message>
        <source>Δ BEV</source>
        <translation>Δ BEV</translation>
    </message>
    <message>
        <source>KITTI AP|R40 at moderate difficulty, in %; Δ = B − A (red: B loses, green: B gains).</source>
        <translation>KITTI 中等难度 AP|R40（%）；Δ = B − A（红色：B 下降，绿色：B 提升）。</translation>
    </message>
    <message>
        <source>Click a box to see its attributes and match.</source>
        <translation>点击一个框查看其属性和匹配情况。</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <source>ground truth</source>
        <translation>真值</translation>
    </message>
    <message>
        <source>detection A</source>
        <translation>检测 A</translation>
    </message>
    <message>
        <source>detection B</source>
        <translation>检测 B</translation>
    </message>
    <message>
        <source>%1 #%2: %3</source>
        <translation>%1 #%2：%3</translation>
    </message>
    <message>
        <source>, score %1</source>
        <translation>，分数 %1</translation>
    </message>
    <message>
        <source>
True positive: matches ground truth #%1, IoU 3D %2, BEV %3</source>
        <translation>
真正例：匹配真值 #%1，IoU 3D %2，BEV %3</translation>
    </message>
    <message>
        <source>
False positive (best IoU 3D with a %1: %2)</source>
        <translation>
假正例（与 %1 的最佳 IoU 3D：%2）</translation>
    </message>
    <message>
        <source>
Matched by %1 #%2, IoU 3D %3, BEV %4</source>
        <translation>
被 %1 #%2 匹配，IoU 3D %3，BEV %4</translation>
    </message>
    <message>
        <source>
Missed: no detection matches it</source>
        <translation>
漏检：没有检测结果与之匹配</translation>
    </message>
    <message>
        <source>A: FP32</source>
        <translation>A：FP32</translation>
    </message>
    <message>
        <source>B: %1</source>
        <translation>B：%1</translation>
    </message>
</context>
</TS>
