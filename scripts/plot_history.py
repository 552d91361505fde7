#!/usr/bin/env python3
"""Draws the per-epoch metrics that `tensorplug-fashion --history FILE` writes
(CSV: epoch,loss,accuracy,val_loss,val_accuracy,seconds) as a PNG with two
panels, loss and accuracy per epoch, training and validation.

    .venv/bin/python scripts/plot_history.py history.csv history.png [--title T]

matplotlib comes from the project's venv (scripts/install-python.sh).
"""
import argparse
import csv
import sys


def read_history(path):
    rows = []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        need = {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
        missing = need - set(reader.fieldnames or [])
        if missing:
            sys.exit(f"{path}: not a tensorplug-fashion history "
                     f"(missing columns: {', '.join(sorted(missing))})")
        for line, row in enumerate(reader, start=2):
            try:
                rows.append({k: (float(v) if v != "" else None)
                             for k, v in row.items() if k in need})
            except ValueError as e:
                sys.exit(f"{path}:{line}: {e}")
    if not rows:
        sys.exit(f"{path}: no epochs")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("history")
    parser.add_argument("png")
    parser.add_argument("--title", default="tensorplug-fashion")
    args = parser.parse_args()
    rows = read_history(args.history)
    try:
        import matplotlib
    except ImportError:
        sys.exit("matplotlib is not installed: run scripts/install-python.sh "
                 "and use .venv/bin/python")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = [r["epoch"] for r in rows]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for ax, key, label in ((ax_loss, "loss", "loss"),
                           (ax_acc, "accuracy", "accuracy")):
        ax.plot(epochs, [r[key] for r in rows], "o-", label="training")
        val = [(e, r["val_" + key]) for e, r in zip(epochs, rows)
               if r["val_" + key] is not None]
        if val:
            ax.plot([e for e, _ in val], [v for _, v in val], "s-",
                    label="validation")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(args.title)
    fig.tight_layout()
    fig.savefig(args.png, dpi=100)
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
