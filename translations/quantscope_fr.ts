<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Statistics of %n tensor(s) computed.</source>
        <translation>
            <numerusform>Statistiques de %n tenseur calculées.</numerusform>
            <numerusform>Statistiques de %n tenseurs calculées.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not open the file</source>
        <translation>Impossible d’ouvrir le fichier</translation>
    </message>
    <message>
        <source>%p% — %1 s left</source>
        <translation>%p% — %1 s restantes</translation>
    </message>
    <message>
        <source>%1: cancelled</source>
        <translation>%1 : annulé</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>Ouverture de %1</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>Ouvrir %1</translation>
    </message>
    <message>
        <source>%1: %2 tensors (%3)</source>
        <translation>%1 : %2 tenseurs (%3)</translation>
    </message>
    <message>
        <source>Demo model not available</source>
        <translation>Modèle de démonstration indisponible</translation>
    </message>
    <message>
        <source>This build has no built-in demo model yet. Open a checkpoint with File ▸ Open instead.</source>
        <translation>Cette version n’a pas encore de modèle de démonstration intégré. Ouvrez plutôt un checkpoint avec Fichier ▸ Ouvrir.</translation>
    </message>
    <message>
        <source>All checkpoints (%1)</source>
        <translation>Tous les checkpoints (%1)</translation>
    </message>
    <message>
        <source>Open checkpoint</source>
        <translation>Ouvrir un checkpoint</translation>
    </message>
    <message>
        <source>About QuantScope</source>
        <translation>À propos de QuantScope</translation>
    </message>
    <message>
        <source>&lt;b&gt;QuantScope %1&lt;/b&gt;&lt;p&gt;A workbench for post-training quantization: explore weights and outliers, quantize with RTN or EasyQuant, compare and export.&lt;/p&gt;</source>
        <translation>&lt;b&gt;QuantScope %1&lt;/b&gt;&lt;p&gt;Un atelier de quantification post-entraînement : explorez les poids et les valeurs aberrantes, quantifiez avec RTN ou EasyQuant, comparez et exportez.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Couche</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>Quantification</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Fichiers &amp;récents</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modèle</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principale</translation>
    </message>
    <message>
        <source>QuantScope</source>
        <translation>QuantScope</translation>
    </message>
    <message>
        <source>%1: done in %2 s</source>
        <translation>%1 : terminé en %2 s</translation>
    </message>
    <message>
        <source>demo model</source>
        <translation>modèle de démonstration</translation>
    </message>
    <message>
        <source>Built-in demo model: %1 tensors</source>
        <translation>Modèle de démonstration intégré : %1 tenseurs</translation>
    </message>
    <message>
        <source>Nothing to quantize</source>
        <translation>Rien à quantifier</translation>
    </message>
    <message>
        <source>Open a checkpoint or the demo model first.</source>
        <translation>Ouvrez d’abord un checkpoint ou le modèle de démonstration.</translation>
    </message>
    <message>
        <source>unknown export</source>
        <translation>export inconnu</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Échec de l’export</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1 exporté</translation>
    </message>
    <message>
        <source>Teaching</source>
        <translation>Pédagogie</translation>
    </message>
    <message>
        <source>LiDAR</source>
        <translation>LiDAR</translation>
    </message>
    <message>
        <source>Could not open the LiDAR frame</source>
        <translation>Impossible d’ouvrir la trame LiDAR</translation>
    </message>
    <message>
        <source>Exported %1 (%2)</source>
        <translation>%1 exporté (%2)</translation>
    </message>
    <message>
        <source>Opening LiDAR frame %1</source>
        <translation>Ouverture de la trame LiDAR %1</translation>
    </message>
    <message>
        <source>  with %1</source>
        <translation>  avec %1</translation>
    </message>
    <message>
        <source>%1: no detections</source>
        <translation>%1 : aucune détection</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
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
        <translation>%1 : pas d’annotations, les détections sont affichées sans AP</translation>
    </message>
    <message>
        <source>Cannot show %1: the LiDAR viewer needs OpenGL widgets, which the &quot;%2&quot; platform does not provide.</source>
        <translation>Impossible d’afficher %1 : la vue LiDAR a besoin de widgets OpenGL, que la plateforme « %2 » ne fournit pas.</translation>
    </message>
    <message>
        <source>LiDAR viewer not available</source>
        <translation>Vue LiDAR indisponible</translation>
    </message>
    <message>
        <source>%1: the extension names no model format (.qs.h5, .safetensors, .gguf)</source>
        <translation>%1 : l’extension ne désigne aucun format de modèle (.qs.h5, .safetensors, .gguf)</translation>
    </message>
    <message>
        <source>%1: %2 points; labelled boxes: %3; detections A: %4, B: %5</source>
        <translation>%1 : %2 points ; boîtes annotées : %3 ; détections A : %4, B : %5</translation>
    </message>
    <message>
        <source>Open a checkpoint (Ctrl+O) or a LiDAR frame (Ctrl+Shift+O), or drop a file here.</source>
        <translation>Ouvrez un checkpoint (Ctrl+O) ou une trame LiDAR (Ctrl+Maj+O), ou déposez un fichier ici.</translation>
    </message>
    <message>
        <source>A — open a point cloud with File ▸ Open LiDAR Frame… (Ctrl+Shift+O) or drop one here</source>
        <translation>A — ouvrez un nuage de points avec Fichier ▸ Ouvrir une trame LiDAR… (Ctrl+Maj+O) ou déposez-le ici</translation>
    </message>
    <message>
        <source>B — detections to compare with A</source>
        <translation>B — détections à comparer avec A</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Post-training quantization workbench</source>
        <translation>Atelier de quantification post-entraînement</translation>
    </message>
    <message>
        <source>Open the built-in demo model</source>
        <translation>Ouvrir le modèle de démonstration intégré</translation>
    </message>
    <message>
        <source>Render the window to FILE (PNG) and exit</source>
        <translation>Rendre la fenêtre dans FILE (PNG) puis quitter</translation>
    </message>
    <message>
        <source>View to show: layer, teaching, model, lidar</source>
        <translation>Vue à afficher : layer, teaching, model, lidar</translation>
    </message>
    <message>
        <source>Tensor to select</source>
        <translation>Tenseur à sélectionner</translation>
    </message>
    <message>
        <source>Checkpoint or point cloud to open</source>
        <translation>Checkpoint ou nuage de points à ouvrir</translation>
    </message>
    <message>
        <source>Quantize the model once it is open</source>
        <translation>Quantifier le modèle dès son ouverture</translation>
    </message>
    <message>
        <source>Quantize with the method and the comparison method once the model is open</source>
        <translation>Quantifier avec la méthode et la méthode de comparaison dès l’ouverture du modèle</translation>
    </message>
</context>
<context>
    <name>qs::gui::ActionRegistry</name>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Ouvrir…</translation>
    </message>
    <message>
        <source>Open a checkpoint (safetensors, GGUF, PyTorch, ONNX, HDF5, llama2.c)</source>
        <translation>Ouvrir un checkpoint (safetensors, GGUF, PyTorch, ONNX, HDF5, llama2.c)</translation>
    </message>
    <message>
        <source>Open &amp;Demo Model</source>
        <translation>Ouvrir le modèle de &amp;démonstration</translation>
    </message>
    <message>
        <source>Open the built-in LLaMA-shaped demo model</source>
        <translation>Ouvrir le modèle de démonstration intégré, de forme LLaMA</translation>
    </message>
    <message>
        <source>&amp;Clear Recent Files</source>
        <translation>&amp;Effacer les fichiers récents</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>E&amp;xporter…</translation>
    </message>
    <message>
        <source>Export the quantization report or the charts</source>
        <translation>Exporter le rapport de quantification ou les graphiques</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Quantize Model</source>
        <translation>&amp;Quantifier le modèle</translation>
    </message>
    <message>
        <source>Quantize every selected tensor with the current settings</source>
        <translation>Quantifier chaque tenseur retenu avec les réglages actuels</translation>
    </message>
    <message>
        <source>Compare &amp;Methods</source>
        <translation>Comparer les &amp;méthodes</translation>
    </message>
    <message>
        <source>Quantize with the current method and the comparison method</source>
        <translation>Quantifier avec la méthode actuelle et la méthode de comparaison</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <source>Stop the running job</source>
        <translation>Arrêter la tâche en cours</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Préférences…</translation>
    </message>
    <message>
        <source>&amp;Find Tensor</source>
        <translation>&amp;Chercher un tenseur</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>&amp;Journal</translation>
    </message>
    <message>
        <source>&amp;Quantization Settings</source>
        <translation>Réglages de &amp;quantification</translation>
    </message>
    <message>
        <source>&amp;About QuantScope</source>
        <translation>À &amp;propos de QuantScope</translation>
    </message>
    <message>
        <source>Open &amp;LiDAR Frame…</source>
        <translation>Ouvrir une trame &amp;LiDAR…</translation>
    </message>
    <message>
        <source>Open a point cloud with its labels and two sets of detections to compare</source>
        <translation>Ouvrir un nuage de points avec ses annotations et deux jeux de détections à comparer</translation>
    </message>
</context>
<context>
    <name>qs::gui::ChannelRangeChart</name>
    <message>
        <source>channel min … max</source>
        <translation>min … max du canal</translation>
    </message>
    <message>
        <source>mean ± %1σ</source>
        <translation>moyenne ± %1σ</translation>
    </message>
    <message>
        <source>output channel</source>
        <translation>canal de sortie</translation>
    </message>
    <message>
        <source>outlier channels: %1</source>
        <translation>canaux aberrants : %1</translation>
    </message>
</context>
<context>
    <name>qs::gui::ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Quantization report</source>
        <translation>Rapport de quantification</translation>
    </message>
    <message>
        <source>Per-layer error chart</source>
        <translation>Graphique d’erreur par couche</translation>
    </message>
    <message>
        <source>Histogram of the selected tensor</source>
        <translation>Histogramme du tenseur sélectionné</translation>
    </message>
    <message>
        <source>Channel ranges of the selected tensor</source>
        <translation>Plages par canal du tenseur sélectionné</translation>
    </message>
    <message>
        <source>Quantize the model first.</source>
        <translation>Quantifiez d’abord le modèle.</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Quoi</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fichier</translation>
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
        <translation>Image PNG</translation>
    </message>
    <message>
        <source>SVG vector image</source>
        <translation>Image vectorielle SVG</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>Exporter vers</translation>
    </message>
    <message>
        <source>Quantized model</source>
        <translation>Modèle quantifié</translation>
    </message>
    <message>
        <source>Open a checkpoint or the demo model first.</source>
        <translation>Ouvrez d’abord un checkpoint ou le modèle de démonstration.</translation>
    </message>
    <message>
        <source>The model is quantized again with the settings of the last run (or the current settings) and written as it goes; the job can be cancelled from the status bar.</source>
        <translation>Le modèle est de nouveau quantifié avec les réglages du dernier calcul (ou les réglages actuels) et écrit au fur et à mesure ; la tâche peut être annulée depuis la barre d’état.</translation>
    </message>
    <message>
        <source>Per-tensor settings and errors of the last run, with the model-wide totals.</source>
        <translation>Réglages et erreurs par tenseur du dernier calcul, avec les totaux du modèle.</translation>
    </message>
    <message>
        <source>The chart as it is shown now.</source>
        <translation>Le graphique tel qu’il est affiché.</translation>
    </message>
    <message>
        <source>%1 files (*%2)</source>
        <translation>Fichiers %1 (*%2)</translation>
    </message>
    <message>
        <source>Weights as</source>
        <translation>Poids en</translation>
    </message>
    <message>
        <source>F16 (dequantized)</source>
        <translation>F16 (déquantifiés)</translation>
    </message>
    <message>
        <source>BF16 (dequantized)</source>
        <translation>BF16 (déquantifiés)</translation>
    </message>
    <message>
        <source>F32 (dequantized)</source>
        <translation>F32 (déquantifiés)</translation>
    </message>
    <message>
        <source>Q4_0 (llama.cpp 4-bit blocks)</source>
        <translation>Q4_0 (blocs 4 bits de llama.cpp)</translation>
    </message>
    <message>
        <source>Q8_0 (llama.cpp 8-bit blocks)</source>
        <translation>Q8_0 (blocs 8 bits de llama.cpp)</translation>
    </message>
    <message>
        <source>F16</source>
        <translation>F16</translation>
    </message>
    <message>
        <source>Block type of the weight matrices. nl4 quantized with groups of 32 is written as IQ4_XS without re-quantizing (rows whose length is a multiple of 256); symmetric results without outliers whose scales cover 32-value blocks are written as Q4_0 or Q8_0 without re-quantizing.</source>
        <translation>Type de bloc des matrices de poids. nl4 quantifié par groupes de 32 est écrit en IQ4_XS sans nouvelle quantification (lignes dont la longueur est un multiple de 256) ; les résultats symétriques sans valeurs aberrantes dont les échelles couvrent des blocs de 32 valeurs sont écrits en Q4_0 ou Q8_0 sans nouvelle quantification.</translation>
    </message>
</context>
<context>
    <name>qs::gui::HistogramChart</name>
    <message>
        <source>count (log)</source>
        <translation>effectif (log)</translation>
    </message>
    <message>
        <source>count</source>
        <translation>effectif</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>poids</translation>
    </message>
    <message>
        <source>outliers (|w − mean| ≥ %1σ)</source>
        <translation>valeurs aberrantes (|w − moyenne| ≥ %1σ)</translation>
    </message>
    <message>
        <source>quantization grid</source>
        <translation>grille de quantification</translation>
    </message>
    <message>
        <source>±%1σ</source>
        <translation>±%1σ</translation>
    </message>
    <message>
        <source>value</source>
        <translation>valeur</translation>
    </message>
</context>
<context>
    <name>qs::gui::JobRunner</name>
    <message>
        <source>out of memory</source>
        <translation>mémoire insuffisante</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>erreur inconnue</translation>
    </message>
</context>
<context>
    <name>qs::gui::LayerInspector</name>
    <message>
        <source>Bins</source>
        <translation>Classes</translation>
    </message>
    <message>
        <source>Log count</source>
        <translation>Effectif log</translation>
    </message>
    <message>
        <source>Select a tensor in the model tree.</source>
        <translation>Sélectionnez un tenseur dans l’arbre du modèle.</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Chargement de %1…</translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation>Charger %1</translation>
    </message>
    <message>
        <source>%1-bit grid (tensor range)</source>
        <translation>grille %1 bits (plage du tenseur)</translation>
    </message>
    <message>
        <source>%1-bit grid of the widest channel</source>
        <translation>grille %1 bits du canal le plus large</translation>
    </message>
    <message>
        <source>nl4 levels of the widest sub-block</source>
        <translation>niveaux nl4 du sous-bloc le plus large</translation>
    </message>
    <message>
        <source>The threshold explorer is not available in this build.</source>
        <translation>L’explorateur de seuil n’est pas disponible dans cette version.</translation>
    </message>
    <message>
        <source>nl4 is not a uniform grid: quantize the model to see its numbers.</source>
        <translation>nl4 n’est pas une grille uniforme : quantifiez le modèle pour voir ses chiffres.</translation>
    </message>
</context>
<context>
    <name>qs::gui::LidarFrameDialog</name>
    <message>
        <source>Open LiDAR Frame</source>
        <translation>Ouvrir une trame LiDAR</translation>
    </message>
    <message>
        <source>&amp;Point cloud:</source>
        <translation>&amp;Nuage de points :</translation>
    </message>
    <message>
        <source>&amp;Labels (label_2):</source>
        <translation>&amp;Annotations (label_2) :</translation>
    </message>
    <message>
        <source>&amp;Calibration:</source>
        <translation>&amp;Calibration :</translation>
    </message>
    <message>
        <source>Detections &amp;A:</source>
        <translation>Détections &amp;A :</translation>
    </message>
    <message>
        <source>Detections &amp;B:</source>
        <translation>Détections &amp;B :</translation>
    </message>
    <message>
        <source>KITTI .bin, nuScenes .pcd.bin, PCD, PLY or LAS</source>
        <translation>KITTI .bin, nuScenes .pcd.bin, PCD, PLY ou LAS</translation>
    </message>
    <message>
        <source>optional, KITTI label_2 .txt</source>
        <translation>facultatif, fichier label_2 KITTI .txt</translation>
    </message>
    <message>
        <source>needed with labels or KITTI result files</source>
        <translation>nécessaire avec des annotations ou des résultats KITTI</translation>
    </message>
    <message>
        <source>optional, pred_velo or KITTI result .txt</source>
        <translation>facultatif, pred_velo ou résultat KITTI .txt</translation>
    </message>
    <message>
        <source>optional, e.g. the quantized detector&apos;s output</source>
        <translation>facultatif, p. ex. la sortie du détecteur quantifié</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Labels and calibration are filled in from the KITTI folder layout (velodyne/, label_2/, calib/); detections from pred_velo_&lt;id&gt;.txt beside the cloud.</source>
        <translation>Les annotations et la calibration sont déduites de l’arborescence KITTI (velodyne/, label_2/, calib/) ; les détections de pred_velo_&lt;id&gt;.txt à côté du nuage.</translation>
    </message>
    <message>
        <source>Point clouds (%1)</source>
        <translation>Nuages de points (%1)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>Fichiers texte (*.txt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Choose a point cloud</source>
        <translation>Choisir un nuage de points</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Choisir un fichier</translation>
    </message>
    <message>
        <source>Choose a point cloud.</source>
        <translation>Choisissez un nuage de points.</translation>
    </message>
    <message>
        <source>KITTI labels are in the camera frame: choose the calibration file too.</source>
        <translation>Les annotations KITTI sont dans le repère de la caméra : choisissez aussi le fichier de calibration.</translation>
    </message>
    <message>
        <source>Point cloud</source>
        <translation>Nuage de points</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Annotations</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>Calibration</translation>
    </message>
    <message>
        <source>Detections A</source>
        <translation>Détections A</translation>
    </message>
    <message>
        <source>Detections B</source>
        <translation>Détections B</translation>
    </message>
    <message>
        <source>%1: no such file (%2)</source>
        <translation>%1 : fichier introuvable (%2)</translation>
    </message>
</context>
<context>
    <name>qs::gui::ModelDocument</name>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>Statistics of %1</source>
        <translation>Statistiques de %1</translation>
    </message>
</context>
<context>
    <name>qs::gui::ModelQuantSession</name>
    <message>
        <source>Compare %1 and %2</source>
        <translation>Comparer %1 et %2</translation>
    </message>
    <message>
        <source>Quantize with %1</source>
        <translation>Quantifier avec %1</translation>
    </message>
    <message>
        <source>Quantize the model first.</source>
        <translation>Quantifiez d’abord le modèle.</translation>
    </message>
    <message>
        <source>This build has no report writer.</source>
        <translation>Cette version ne sait pas écrire de rapport.</translation>
    </message>
    <message>
        <source>Open a checkpoint or the demo model first.</source>
        <translation>Ouvrez d’abord un checkpoint ou le modèle de démonstration.</translation>
    </message>
    <message>
        <source>Unknown export format: %1</source>
        <translation>Format d’export inconnu : %1</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>Exporter %1</translation>
    </message>
    <message>
        <source>Unknown weight type: %1</source>
        <translation>Type de poids inconnu : %1</translation>
    </message>
</context>
<context>
    <name>qs::gui::ModelQuantView</name>
    <message>
        <source>Worst layers (highest rel_err)</source>
        <translation>Pires couches (rel_err le plus élevé)</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>Tenseur</translation>
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
        <translation>méthode A</translation>
    </message>
    <message>
        <source>method B</source>
        <translation>méthode B</translation>
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
        <translation>Erreur de reconstruction par tenseur quantifié (rel_err, échelle log)</translation>
    </message>
    <message>
        <source>Quantize the model (Ctrl+R) or compare two methods (Ctrl+Shift+R).</source>
        <translation>Quantifiez le modèle (Ctrl+R) ou comparez deux méthodes (Ctrl+Maj+R).</translation>
    </message>
    <message>
        <source>Quantizing…</source>
        <translation>Quantification…</translation>
    </message>
    <message>
        <source>%1 has a lower rel_err than %2 on %3 of %4 tensors; on average its error is %5 % of %2&apos;s.</source>
        <translation>%1 a un rel_err plus faible que %2 sur %3 des %4 tenseurs ; en moyenne son erreur vaut %5 % de celle de %2.</translation>
    </message>
    <message numerus="yes">
        <source>%n tensor(s) quantized.</source>
        <translation>
            <numerusform>%n tenseur quantifié.</numerusform>
            <numerusform>%n tenseurs quantifiés.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qs::gui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
</context>
<context>
    <name>qs::gui::QuantControls</name>
    <message>
        <source>RTN (min-max)</source>
        <translation>RTN (min-max)</translation>
    </message>
    <message>
        <source>RTN with MSE clip search</source>
        <translation>RTN avec recherche d’écrêtage MSE</translation>
    </message>
    <message>
        <source>EasyQuant</source>
        <translation>EasyQuant</translation>
    </message>
    <message>
        <source>per tensor</source>
        <translation>par tenseur</translation>
    </message>
    <message>
        <source>per output channel</source>
        <translation>par canal de sortie</translation>
    </message>
    <message>
        <source>per group</source>
        <translation>par groupe</translation>
    </message>
    <message>
        <source>Adam (paper)</source>
        <translation>Adam (article)</translation>
    </message>
    <message>
        <source>exact search</source>
        <translation>recherche exacte</translation>
    </message>
    <message>
        <source>Select a tensor.</source>
        <translation>Sélectionnez un tenseur.</translation>
    </message>
    <message>
        <source>Quantization settings</source>
        <translation>Réglages de quantification</translation>
    </message>
    <message>
        <source>Selected layer at these settings</source>
        <translation>Couche sélectionnée avec ces réglages</translation>
    </message>
    <message>
        <source> bits</source>
        <translation> bits</translation>
    </message>
    <message>
        <source> σ</source>
        <translation> σ</translation>
    </message>
    <message>
        <source>Outlier threshold: |w − mean| ≥ nσ is kept in fp16 (0 keeps none)</source>
        <translation>Seuil des valeurs aberrantes : |w − moyenne| ≥ nσ est gardé en fp16 (0 n’en garde aucune)</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Méthode</translation>
    </message>
    <message>
        <source>Bits</source>
        <translation>Bits</translation>
    </message>
    <message>
        <source>Granularity</source>
        <translation>Granularité</translation>
    </message>
    <message>
        <source>Group size</source>
        <translation>Taille de groupe</translation>
    </message>
    <message>
        <source>Range solver</source>
        <translation>Solveur de plage</translation>
    </message>
    <message>
        <source>Outliers at</source>
        <translation>Valeurs aberrantes à</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>Comparer avec</translation>
    </message>
    <message>
        <source>Outliers</source>
        <translation>Valeurs aberrantes</translation>
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
        <translation>%1 (%2 %)</translation>
    </message>
    <message>
        <source>%1 dB</source>
        <translation>%1 dB</translation>
    </message>
    <message>
        <source>exact</source>
        <translation>exact</translation>
    </message>
    <message>
        <source>RTN on the normal values at %1 bits, outliers beyond %2σ kept in fp16 (range optimisation not included).</source>
        <translation>RTN sur les valeurs normales à %1 bits, valeurs au-delà de %2σ gardées en fp16 (sans optimisation de la plage).</translation>
    </message>
    <message>
        <source>none: max |normal value|</source>
        <translation>aucun : max |valeur normale|</translation>
    </message>
    <message>
        <source>NL4 (non-linear 4-bit, groups of 16 or 32)</source>
        <translation>NL4 (4 bits non linéaire, groupes de 16 ou 32)</translation>
    </message>
    <message>
        <source>restricted %1</source>
        <translation>restreinte %1</translation>
    </message>
    <message>
        <source>full %1</source>
        <translation>complète %1</translation>
    </message>
    <message>
        <source>paper&apos;s formula %1</source>
        <translation>formule de l’article %1</translation>
    </message>
    <message>
        <source>%1 or %2, per unit</source>
        <translation>%1 ou %2, par unité</translation>
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
        <translation>EasyQuant comme dans l’article</translation>
    </message>
    <message>
        <source>EasyQuant&apos;s exact step search per block of 32 on the block type&apos;s own grid or its mirror, no outliers: a GGUF export writes these blocks exactly.</source>
        <translation>Recherche exacte du pas d’EasyQuant par bloc de 32 sur la grille du type de bloc ou son miroir, sans valeurs aberrantes : un export GGUF écrit ces blocs exactement.</translation>
    </message>
    <message>
        <source>NL4 with groups of 32: a GGUF export writes IQ4_XS blocks losslessly.</source>
        <translation>NL4 par groupes de 32 : un export GGUF écrit des blocs IQ4_XS sans perte.</translation>
    </message>
    <message>
        <source>4 bits per output channel, outliers beyond 3σ kept in fp16, Adam (lr 1e-4, 500 steps) on each range, the paper&apos;s grid.</source>
        <translation>4 bits par canal de sortie, valeurs au-delà de 3σ gardées en fp16, Adam (lr 1e-4, 500 pas) sur chaque plage, la grille de l’article.</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Personnalisé</translation>
    </message>
    <message>
        <source>Named settings; changing any control afterwards makes them custom</source>
        <translation>Réglages nommés ; modifier ensuite un contrôle les rend personnalisés</translation>
    </message>
    <message>
        <source>Integer levels of the symmetric grid at this bit-width; &quot;per unit&quot; lets each channel or group take the mirrored grid where it fits better</source>
        <translation>Niveaux entiers de la grille symétrique à ce nombre de bits ; « par unité » laisse chaque canal ou groupe prendre la grille miroir quand elle lui convient mieux</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Préréglage</translation>
    </message>
    <message>
        <source>Integer range</source>
        <translation>Plage entière</translation>
    </message>
</context>
<context>
    <name>qs::gui::StatsPanel</name>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>(no tensor selected)</source>
        <translation>(aucun tenseur sélectionné)</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Forme</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Output channels</source>
        <translation>Canaux de sortie</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>Moyenne</translation>
    </message>
    <message>
        <source>Std deviation</source>
        <translation>Écart type</translation>
    </message>
    <message>
        <source>Minimum</source>
        <translation>Minimum</translation>
    </message>
    <message>
        <source>Maximum</source>
        <translation>Maximum</translation>
    </message>
    <message>
        <source>max |w|</source>
        <translation>max |w|</translation>
    </message>
    <message>
        <source>Non-finite values</source>
        <translation>Valeurs non finies</translation>
    </message>
    <message>
        <source>max |w| / std</source>
        <translation>max |w| / écart type</translation>
    </message>
    <message>
        <source>Excess kurtosis</source>
        <translation>Kurtosis excédentaire</translation>
    </message>
    <message>
        <source>Beyond 3σ</source>
        <translation>Au-delà de 3σ</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Channels beyond %1σ</source>
        <translation>Canaux au-delà de %1σ</translation>
    </message>
</context>
<context>
    <name>qs::gui::TeachingView</name>
    <message>
        <source>EasyQuant range optimisation of channel</source>
        <translation>Optimisation de plage EasyQuant du canal</translation>
    </message>
    <message>
        <source>Error vs outlier threshold</source>
        <translation>Erreur selon le seuil des valeurs aberrantes</translation>
    </message>
    <message>
        <source>Error vs bits</source>
        <translation>Erreur selon le nombre de bits</translation>
    </message>
    <message>
        <source>Range over Adam steps</source>
        <translation>Plage au fil des pas d’Adam</translation>
    </message>
    <message>
        <source>Loss over Adam steps</source>
        <translation>Perte au fil des pas d’Adam</translation>
    </message>
    <message>
        <source>rel_err at %1 bits</source>
        <translation>rel_err à %1 bits</translation>
    </message>
    <message>
        <source>outlier threshold nσ</source>
        <translation>seuil des valeurs aberrantes nσ</translation>
    </message>
    <message>
        <source>rel_err</source>
        <translation>rel_err</translation>
    </message>
    <message>
        <source>current choice</source>
        <translation>choix actuel</translation>
    </message>
    <message>
        <source>rel_err at %1σ</source>
        <translation>rel_err à %1σ</translation>
    </message>
    <message>
        <source>bits</source>
        <translation>bits</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>Calcul…</translation>
    </message>
    <message>
        <source>EasyQuant trace</source>
        <translation>Trace EasyQuant</translation>
    </message>
    <message>
        <source>Adam: range r</source>
        <translation>Adam : plage r</translation>
    </message>
    <message>
        <source>step</source>
        <translation>pas</translation>
    </message>
    <message>
        <source>range r</source>
        <translation>plage r</translation>
    </message>
    <message>
        <source>exact search optimum</source>
        <translation>optimum de la recherche exacte</translation>
    </message>
    <message>
        <source>Adam: loss Σ(Q(x) − x)²</source>
        <translation>Adam : perte Σ(Q(x) − x)²</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>perte</translation>
    </message>
    <message>
        <source>No normal values in this channel.</source>
        <translation>Aucune valeur normale dans ce canal.</translation>
    </message>
    <message>
        <source>Select a tensor.</source>
        <translation>Sélectionnez un tenseur.</translation>
    </message>
    <message>
        <source>%1 normal values; Adam (lr %2, %3 steps) ends at r = %4, loss %5; exact search: r = %6, loss %7.</source>
        <translation>%1 valeurs normales ; Adam (lr %2, %3 pas) finit à r = %4, perte %5 ; recherche exacte : r = %6, perte %7.</translation>
    </message>
    <message>
        <source>Loss over the range r</source>
        <translation>Perte selon la plage r</translation>
    </message>
    <message>
        <source>Adam&apos;s last step</source>
        <translation>Dernier pas d’Adam</translation>
    </message>
    <message>
        <source>loss Σ(Q(x) − x)² at range r</source>
        <translation>perte Σ(Q(x) − x)² à la plage r</translation>
    </message>
    <message>
        <source>Adam&apos;s path is on the mirrored grid, which this channel fits better.</source>
        <translation>Le chemin d’Adam est sur la grille miroir, qui convient mieux à ce canal.</translation>
    </message>
</context>
<context>
    <name>qs::gui::TensorBrowser</name>
    <message>
        <source>Filter tensors by name</source>
        <translation>Filtrer les tenseurs par nom</translation>
    </message>
</context>
<context>
    <name>qs::gui::TensorTreeModel</name>
    <message>
        <source>linear</source>
        <translation>linéaire</translation>
    </message>
    <message>
        <source>conv</source>
        <translation>convolution</translation>
    </message>
    <message>
        <source>embedding</source>
        <translation>plongement</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>normalisation</translation>
    </message>
    <message>
        <source>bias</source>
        <translation>biais</translation>
    </message>
    <message>
        <source>other</source>
        <translation>autre</translation>
    </message>
    <message numerus="yes">
        <source>%n tensor(s)</source>
        <translation>
            <numerusform>%n tenseur</numerusform>
            <numerusform>%n tenseurs</numerusform>
        </translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Forme</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Outliers %</source>
        <translation>Aberrantes %</translation>
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
        <translation>Exporté par QuantScope</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>impossible d’écrire %1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>impossible d’écrire %1 : %2</translation>
    </message>
</context>
<context>
    <name>qs::viewers::DetectorPanel</name>
    <message>
        <source>bundled model</source>
        <translation>modèle fourni</translation>
    </message>
    <message>
        <source>Detector weights (.safetensors from lidar-train); empty: the bundled model</source>
        <translation>Poids du détecteur (.safetensors de lidar-train) ; vide : le modèle fourni</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>8 bits</source>
        <translation>8 bits</translation>
    </message>
    <message>
        <source>4 bits</source>
        <translation>4 bits</translation>
    </message>
    <message>
        <source>FP32 (none)</source>
        <translation>FP32 (aucune)</translation>
    </message>
    <message>
        <source>Run detector</source>
        <translation>Lancer le détecteur</translation>
    </message>
    <message>
        <source>Open a point cloud, then run the detector.</source>
        <translation>Ouvrez un nuage de points, puis lancez le détecteur.</translation>
    </message>
    <message>
        <source>AP (%)</source>
        <translation>AP (%)</translation>
    </message>
    <message>
        <source>Quantized</source>
        <translation>Quantifié</translation>
    </message>
    <message>
        <source>Moderate AP|R40 against the loaded labels (KITTI protocol)</source>
        <translation>AP|R40 modéré par rapport aux annotations chargées (protocole KITTI)</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>Poids</translation>
    </message>
    <message>
        <source>View B method</source>
        <translation>Méthode de la vue B</translation>
    </message>
    <message>
        <source>Weight bits</source>
        <translation>Bits des poids</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>Activations</translation>
    </message>
    <message>
        <source>&lt;b&gt;Detector&lt;/b&gt;</source>
        <translation>&lt;b&gt;Détecteur&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Detector weights</source>
        <translation>Poids du détecteur</translation>
    </message>
    <message>
        <source>Safetensors (*.safetensors)</source>
        <translation>Safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>New point cloud: the running detection was dropped.</source>
        <translation>Nouveau nuage de points : la détection en cours a été abandonnée.</translation>
    </message>
    <message>
        <source>Press “Run detector” to detect on this cloud.</source>
        <translation>Cliquez sur « Lancer le détecteur » pour détecter sur ce nuage.</translation>
    </message>
    <message>
        <source>No point cloud is open.</source>
        <translation>Aucun nuage de points n’est ouvert.</translation>
    </message>
    <message>
        <source>Detecting…</source>
        <translation>Détection…</translation>
    </message>
    <message>
        <source>Loading and quantizing the detector, then detecting…</source>
        <translation>Chargement et quantification du détecteur, puis détection…</translation>
    </message>
    <message>
        <source>Detector failed: %1</source>
        <translation>Échec du détecteur : %1</translation>
    </message>
    <message>
        <source>FP32: %1 boxes, %2: %3 boxes (%4 s)</source>
        <translation>FP32 : %1 boîtes, %2 : %3 boîtes (%4 s)</translation>
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
        <translation>n.d.</translation>
    </message>
</context>
<context>
    <name>qs::viewers::LidarCompareWidget</name>
    <message>
        <source>%1 at (%2, %3, %4) m, size %5 x %6 x %7 m, heading %8 rad</source>
        <translation>%1 en (%2, %3, %4) m, taille %5 x %6 x %7 m, cap %8 rad</translation>
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
        <translation>Intensité</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>Hauteur</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>Distance</translation>
    </message>
    <message>
        <source>Solid</source>
        <translation>Uni</translation>
    </message>
    <message>
        <source>point size </source>
        <translation>taille des points </translation>
    </message>
    <message>
        <source>Ground truth</source>
        <translation>Vérité terrain</translation>
    </message>
    <message>
        <source>Detections</source>
        <translation>Détections</translation>
    </message>
    <message>
        <source>Scores</source>
        <translation>Scores</translation>
    </message>
    <message>
        <source>Perspective</source>
        <translation>Perspective</translation>
    </message>
    <message>
        <source>Bird&apos;s eye</source>
        <translation>Vue de dessus</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Classe</translation>
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
        <translation>AP|R40 KITTI en difficulté modérée, en % ; Δ = B − A (rouge : B perd, vert : B gagne).</translation>
    </message>
    <message>
        <source>Click a box to see its attributes and match.</source>
        <translation>Cliquez sur une boîte pour voir ses attributs et son appariement.</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n/d</translation>
    </message>
    <message>
        <source>ground truth</source>
        <translation>vérité terrain</translation>
    </message>
    <message>
        <source>detection A</source>
        <translation>détection A</translation>
    </message>
    <message>
        <source>detection B</source>
        <translation>détection B</translation>
    </message>
    <message>
        <source>%1 #%2: %3</source>
        <translation>%1 n° %2 : %3</translation>
    </message>
    <message>
        <source>, score %1</source>
        <translation>, score %1</translation>
    </message>
    <message>
        <source>
True positive: matches ground truth #%1, IoU 3D %2, BEV %3</source>
        <translation>
Vrai positif : apparié à la vérité terrain n° %1, IoU 3D %2, BEV %3</translation>
    </message>
    <message>
        <source>
False positive (best IoU 3D with a %1: %2)</source>
        <translation>
Faux positif (meilleure IoU 3D avec un objet %1 : %2)</translation>
    </message>
    <message>
        <source>
Matched by %1 #%2, IoU 3D %3, BEV %4</source>
        <translation>
Apparié par %1 n° %2, IoU 3D %3, BEV %4</translation>
    </message>
    <message>
        <source>
Missed: no detection matches it</source>
        <translation>
Manqué : aucune détection ne lui correspond</translation>
    </message>
    <message>
        <source>A: FP32</source>
        <translation>A : FP32</translation>
    </message>
    <message>
        <source>B: %1</source>
        <translation>B : %1</translation>
    </message>
</context>
</TS>
