// Placeholder until the addon build lands: the install must never fail.
console.log('@nabla/backend-native: addon build not wired yet');
