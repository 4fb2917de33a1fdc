// Anchor of a PCH donor target (cmake/Pch.cmake); intentionally empty.
