import { router } from '../../trpc';
import { listDataPlanesProcedure } from './list-data-planes';

export const dataPlanesRouter = router({ list: listDataPlanesProcedure });
