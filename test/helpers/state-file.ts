/** The home's shared state with every piece in one given file (tests that point a policy list at a path of their own). */
import { fileHomeState, type HomeState } from '../../src/store/home-state.js';

export const stateFile = (path: string): HomeState => fileHomeState({ suspensions: path, allowance: path, quarantine: path });
