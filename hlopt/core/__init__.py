"""The shared library every hlopt command uses: files, source, report, rules, config, run.

Import from the submodules directly (``from hlopt.core.report import Report``); this
package does not import them eagerly, so start-up stays fast.
"""
