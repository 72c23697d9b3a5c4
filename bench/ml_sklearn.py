"""scikit-learn side of bench/ml.ts.

Usage: ml_sklearn.py CSV TREES DEPTH MIN_SAMPLES_LEAF_BOOSTING RUNS
The CSV holds the features, then the target, then is_test (1 = held out), written by
bench/ml.ts so both sides use identical rows and split. Prints JSON:
{"random_forest": {"seconds": fit time (median of RUNS), "r2": test r2}, "gradient_boosting": {...}}
Run with OMP_NUM_THREADS=1 so HistGradientBoosting uses one thread, like n_jobs=1.
"""
import json
import statistics
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.metrics import r2_score

csv, trees, depth, min_leaf, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
data = np.loadtxt(csv, delimiter=",", skiprows=1)
features, target, is_test = data[:, :-2], data[:, -2], data[:, -1] == 1
x_train, y_train = features[~is_test], target[~is_test]
x_test, y_test = features[is_test], target[is_test]

models = {
    "random_forest": lambda: RandomForestRegressor(
        n_estimators=trees, max_depth=depth, min_samples_leaf=1, max_features=1.0, n_jobs=1, random_state=0
    ),
    # max_leaf_nodes=None so depth, not a leaf count, bounds the trees (as ours);
    # no early stopping, so every one of the rounds is built.
    "gradient_boosting": lambda: HistGradientBoostingRegressor(
        max_iter=trees, max_depth=depth, max_leaf_nodes=None, min_samples_leaf=min_leaf,
        learning_rate=0.1, early_stopping=False, random_state=0,
    ),
}

result = {}
for name, make in models.items():
    times = []
    for _ in range(runs):
        model = make()
        start = time.perf_counter()
        model.fit(x_train, y_train)
        times.append(time.perf_counter() - start)
    result[name] = {"seconds": statistics.median(times), "r2": float(r2_score(y_test, model.predict(x_test)))}
print(json.dumps(result))
