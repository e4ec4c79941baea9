"""The synthetic stereo camera's scene and rig: a calibrated pinhole rig (CAM_C sees CAM_B's
picture shifted by f * baseline / depth), ground-truth depth of every surface, texture rich enough
to match, and a moving panel driven by wall-clock time so separate sessions agree."""

import numpy as np
import pytest

from camvault.video.sources.stereo_scene import (
    BASELINE_M, MOVING_PERIOD_S, MOVING_Z_M, PANELS, WALL_Z_M, RigScene, focal_px, moving_panel_x_m)

W, H = 320, 200
PERIOD_MS = round(MOVING_PERIOD_S * 1000)
EPOCH_MS = 1_700_000_000_000 // PERIOD_MS * PERIOD_MS      # the moving panel in the middle of its sweep


@pytest.fixture(scope="module")
def scene():
    return RigScene(W, H)


def view(scene, sensor, epoch_ms=EPOCH_MS):
    luma = np.empty((H, W), np.uint8)
    scene.render(sensor, epoch_ms, luma)
    return luma


def test_every_sensor_of_a_size_has_the_same_focal_length_and_the_fov():
    assert focal_px(640) == pytest.approx(2 * focal_px(320))
    assert focal_px(640) == pytest.approx(640 / (2 * np.tan(np.radians(36))))
    assert RigScene(1280, 720).f_px == RigScene(1280, 800).f_px == focal_px(1280)


def test_ground_truth_holds_every_surface_depth(scene):
    depth = scene.depth_m("CAM_B", EPOCH_MS)
    for z in (WALL_Z_M, MOVING_Z_M, *(p.z_m for p in PANELS)):
        assert np.isclose(depth, z).sum() > 100, f"a surface at {z} m"
    floor = depth[-1]                                       # the bottom row sees the floor (or a panel)
    assert floor.min() < 2.0 and depth[0].max() == pytest.approx(WALL_Z_M)
    column = depth[:, W // 2 + 60]
    assert np.all(np.diff(column[column < WALL_Z_M - 1e-3][-20:]) <= 1e-6), "floor nearer lower down"


def test_right_view_is_the_left_view_shifted_by_the_disparity(scene):
    """On each fronto-parallel panel, CAM_C(r, c - d) == CAM_B(r, c) with d = f * baseline / Z."""
    left, right = view(scene, "CAM_B").astype(np.float64), view(scene, "CAM_C").astype(np.float64)
    depth_left = scene.depth_m("CAM_B", EPOCH_MS)
    cols = np.arange(W, dtype=np.float64)
    for z in (PANELS[-1].z_m, MOVING_Z_M, WALL_Z_M):
        d = scene.f_px * BASELINE_M / z
        rows, columns = np.nonzero(depth_left == np.float32(z))
        keep = (columns - d >= 1) & (columns > 4) & (columns < W - 4)
        rows, columns = rows[keep], columns[keep]
        shifted = np.array([np.interp(c - d, cols, right[r]) for r, c in zip(rows, columns)])
        error = np.abs(shifted - left[rows, columns])
        assert rows.size > 200 and np.median(error) < 3, f"surface at {z} m"
        wrong = np.array([np.interp(c - d - 2, cols, right[r]) for r, c in zip(rows, columns)])
        assert np.median(np.abs(wrong - left[rows, columns])) > 3 * max(1.0, np.median(error))


def test_texture_is_rich_enough_for_block_matching(scene):
    left = view(scene, "CAM_B").astype(np.float64)
    blocks = left[: H // 5 * 5, : W // 5 * 5].reshape(H // 5, 5, W // 5, 5).std(axis=(1, 3))
    assert (blocks > 4).mean() > 0.95


def test_the_moving_panel_follows_wall_clock_time_and_sessions_agree(scene):
    other = RigScene(W, H)
    assert np.array_equal(view(scene, "CAM_C"), view(other, "CAM_C"))
    assert moving_panel_x_m(EPOCH_MS + 1000) - moving_panel_x_m(EPOCH_MS) > 0.05      # m in one second
    later = view(scene, "CAM_C", EPOCH_MS + 1000)
    assert np.abs(later.astype(int) - view(scene, "CAM_C")).mean() > 1
    moved = scene.depth_m("CAM_B", EPOCH_MS + 1000) == np.float32(MOVING_Z_M)
    assert not np.array_equal(moved, scene.depth_m("CAM_B", EPOCH_MS) == np.float32(MOVING_Z_M))
